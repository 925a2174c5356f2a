/**
 * The worker: PinLater's worker loop done right, against any PinLater Thrift endpoint (the routing
 * gateway, a single-system gateway, a legacy PinLater server).
 *
 * The dequeue loop asks for as many jobs as it has free slots (`concurrency` in flight at most) and
 * piggybacks the acks of the jobs finished since its last call on that dequeue (PinLater's
 * dequeueAck, FACTS §3.6). Each job runs beside the loop (job-execution.ts), kept alive by checkpoint
 * heartbeats while it runs (heartbeats.ts); when it ends, its ack joins the batch (ack-batch.ts)
 * and frees a slot, which wakes the loop.
 *
 * Waits (backoff.ts): after an empty or rate-limited dequeue (`idleBackoff`), after a failed call
 * (`reconnectBackoff`; the connection is made again on the next call, gateway-connection.ts). A
 * call that fails gives its acks back for the next one, never drops them; when a dequeue that
 * carried acks is refused by the server, the next call sends the acks alone, so an ack the server
 * rejects cannot keep stranding the jobs each dequeue claims (FACTS §3.6: a failed ack part fails
 * the whole dequeue). Acks the server refuses MAX_ACK_REJECTIONS times in a row are dropped and
 * logged: the claim timeout retries those jobs.
 *
 * `readiness()` (worker-readiness.ts) says whether it is ready to take jobs, for the readiness probe:
 * not before the loop's first answer from the gateway, nor while its calls get no answer, nor once
 * close began.
 *
 * `close({ deadlineMs })` (SIGTERM): no more dequeues; jobs in flight finish until the deadline
 * minus a reserve; those still running are released (their signal aborts) and handed back to
 * PENDING with one checkpoint (moveToPending: no attempt consumed), with any job claimed after
 * close began; then the final acks, retried until the deadline; then the connection closes. It
 * resolves by the deadline (plus a call's bound when the gateway hangs), with a summary.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../../core/src/logging/logger';
import { systemClock } from '../../../core/src/util/clock';
import { runDetached } from '../../../core/src/util/run-detached';
import { settleWithin } from '../../../core/src/util/settle-within';
import { AckBatch, ackRequestOf, type AckItem } from './ack-batch';
import { backoffDelayMs } from './backoff';
import { classifyCallFailure, type GatewayCallError } from './gateway-call-error';
import { GatewayConnection, type DequeueReply } from './gateway-connection';
import { Heartbeats } from './heartbeats';
import type { CheckpointOptions } from './job';
import { JobExecution, resultOf, type JobOutcome } from './job-execution';
import { LoopWakeup } from './loop-wakeup';
import { WorkerCounters, type JobResult } from './worker-counters';
import { WorkerInstruments } from './worker-instruments';
import type { WorkerConfig } from './worker-options';
import { workerReadiness, type WorkerReadiness, type WorkerState } from './worker-readiness';

export interface WorkerCloseOptions {
  /** How long close may take in all. @default the config's shutdownDeadlineMs */
  readonly deadlineMs?: number;
}

export interface WorkerCloseSummary {
  /** Jobs that finished (and were acked) during close. */
  readonly finished: number;
  /** Jobs handed back to PENDING: unfinished at the deadline, or claimed after close began. */
  readonly released: readonly string[];
  /** Jobs that could not be handed back (the gateway unreachable): the claim timeout retries them. */
  readonly notReleased: readonly string[];
  /** Jobs whose ack could not be sent by the deadline: the claim timeout retries them. */
  readonly unacked: readonly string[];
  readonly elapsedMs: number;
}

/** Acks the server refused this many times in a row (a PinLaterException, not a lost connection) are dropped. */
const MAX_ACK_REJECTIONS = 3;
/** Longest wait for a free slot before the loop looks again (a job ending wakes it sooner). */
const SLOT_WAIT_MS = 1000;
/** Part of close's deadline kept for handing jobs back and the final acks (at most). */
const CLOSE_RESERVE_MS = 3000;

interface Running {
  readonly execution: JobExecution;
  done: Promise<void>;
}

export class Worker {
  readonly counters = new WorkerCounters();
  private readonly logger: Logger;
  private readonly connection: GatewayConnection;
  private readonly heartbeats: Heartbeats;
  private readonly instruments: WorkerInstruments;
  private readonly acks = new AckBatch();
  private readonly running = new Map<number, Running>();
  private readonly wakeup = new LoopWakeup();
  /** Jobs a dequeue returned after close began: never started, handed back. */
  private readonly unstarted: string[] = [];
  private state: WorkerState = 'created';
  private loop: Promise<void> | undefined;
  private closing: Promise<WorkerCloseSummary> | undefined;
  private nextKey = 0;
  private idleRounds = 0;
  private failedCalls = 0;
  /** What the loop knows of the gateway (worker-readiness.ts): an answer yet, calls in a row without one. */
  private answered = false;
  private unansweredCalls = 0;
  private ackRejections = 0;
  private piggyback = true;

  constructor(readonly config: WorkerConfig) {
    this.logger = config.logger.child({ component: 'pinlater-worker', queue: config.queue, pool: config.pool });
    this.instruments = new WorkerInstruments(config.meter, config.queue, () => this.running.size);
    this.connection = new GatewayConnection({
      address: config.gateway, source: config.source, callTimeoutMs: config.callTimeoutMs, connectTimeoutMs: config.connectTimeoutMs, logger: this.logger,
      onFailure: (e) => this.callFailed(e),
      onReconnect: () => {
        this.counters.add('reconnects');
        this.logger.info({ gateway: `${config.gateway.host}:${config.gateway.port}` }, 'reconnected to the gateway');
      },
    });
    this.heartbeats = new Heartbeats({
      intervalMs: config.heartbeatIntervalMs, clock: systemClock, logger: this.logger,
      send: async (descriptors) => {
        await this.connection.checkpoint(config.queue, descriptors.map((descriptor) => ({ descriptor })));
        this.counters.add('heartbeats', descriptors.length);
      },
    });
  }

  get status(): WorkerState {
    return this.state;
  }

  /** Jobs held now (dequeued, not yet finished). */
  get inFlight(): number {
    return this.running.size;
  }

  /** Acks owed to the gateway now. */
  get pendingAcks(): number {
    return this.acks.size;
  }

  /** Whether it is ready to take jobs, and why not (worker-readiness.ts): the readiness probe's answer. */
  readiness(): WorkerReadiness {
    return workerReadiness(this.state, { answered: this.answered, unansweredCalls: this.unansweredCalls });
  }

  /** Starts the dequeue loop. It never ends on its own: the gateway being away is waited out. */
  start(): Promise<void> {
    if (this.state !== 'created') return Promise.reject(new Error(`worker.start(): the worker is ${this.state}; a worker starts once`));
    this.state = 'running';
    this.heartbeats.start();
    this.loop = this.runLoop();
    const { gateway, concurrency, source, heartbeatIntervalMs } = this.config;
    this.logger.info({ gateway: `${gateway.host}:${gateway.port}`, concurrency, source, heartbeatIntervalMs }, 'pinlater worker started');
    return Promise.resolve();
  }

  /** Stops the worker (see the file header); idempotent: later calls return the first call's result. */
  close(options: WorkerCloseOptions = {}): Promise<WorkerCloseSummary> {
    this.closing ??= this.shutDown(options.deadlineMs ?? this.config.shutdownDeadlineMs);
    return this.closing;
  }

  // ---------------------------------------------------------------- the dequeue loop

  private async runLoop(): Promise<void> {
    while (this.state === 'running') {
      if (this.running.size >= this.config.concurrency) {
        await this.wakeup.sleep(SLOT_WAIT_MS);
        continue;
      }
      let delayMs: number;
      try {
        delayMs = await this.round();
      } catch (e) {
        this.logger.error({ err: e }, 'worker loop round failed unexpectedly; backing off');
        delayMs = this.failureDelay();
      }
      if (delayMs > 0 && this.state === 'running') await this.wakeup.sleep(delayMs);
    }
  }

  /** One dequeue (with the acks owed), or the acks alone after a refused dequeue; resolves with the wait before the next. */
  private async round(): Promise<number> {
    const acks = this.acks.take(this.config.maxAcksPerCall);
    if (acks.length > 0 && !this.piggyback) return this.sendAcksAlone(acks);
    const { queue } = this.config;
    let reply: DequeueReply;
    try {
      reply = await this.connection.dequeue({ queue, limit: this.config.concurrency - this.running.size, ...(acks.length > 0 ? { ack: ackRequestOf(queue, acks) } : {}) });
    } catch (e) {
      this.acks.putBack(acks);
      return this.afterFailedCall(classifyCallFailure('dequeueJobs', e), acks.length > 0);
    }
    this.callSucceeded();
    this.counters.add('acksPiggybacked', acks.length);
    const jobs = Object.entries(reply.jobs ?? {});
    this.counters.add('dequeued', jobs.length);
    if (this.state !== 'running') {
      this.unstarted.push(...jobs.map(([descriptor]) => descriptor));
      return 0;
    }
    for (const [descriptor, body] of jobs) this.startJob(descriptor, body, reply.jobMetadata?.[descriptor]);
    if (jobs.length > 0) {
      this.idleRounds = 0;
      return 0;
    }
    this.counters.add('emptyDequeues');
    return backoffDelayMs(this.config.idleBackoff, this.idleRounds++, this.config.random);
  }

  private async sendAcksAlone(acks: AckItem[]): Promise<number> {
    try {
      await this.connection.ack(ackRequestOf(this.config.queue, acks));
    } catch (e) {
      const failure = classifyCallFailure('ackDequeuedJobs', e);
      if (failure.kind !== 'connection' && ++this.ackRejections >= MAX_ACK_REJECTIONS) {
        this.dropAcks(acks, failure);
        this.piggyback = true;
      } else {
        this.acks.putBack(acks);
      }
      return this.afterFailedCall(failure, false);
    }
    this.callSucceeded();
    this.counters.add('acksSentAlone', acks.length);
    this.ackRejections = 0;
    this.piggyback = true;
    return 0;
  }

  private afterFailedCall(failure: GatewayCallError, hadAcks: boolean): number {
    if (failure.kind === 'connection') this.unansweredCalls++;
    else this.gatewayAnswered();
    if (failure.kind === 'rate-limited') {
      this.counters.add('rateLimited');
      this.logger.debug({ err: failure }, 'dequeue rate limited; waiting as for an empty queue');
      return backoffDelayMs(this.config.idleBackoff, this.idleRounds++, this.config.random);
    }
    if (failure.kind !== 'connection' && hadAcks) this.piggyback = false;
    const delayMs = this.failureDelay();
    const level = this.failedCalls === 1 ? 'warn' : 'debug';
    this.logger[level]({ err: failure, kind: failure.kind, errorType: failure.errorType, failedCalls: this.failedCalls, retryInMs: delayMs }, 'gateway call failed; retrying after a backoff');
    return delayMs;
  }

  private failureDelay(): number {
    return backoffDelayMs(this.config.reconnectBackoff, this.failedCalls++, this.config.random);
  }

  private callSucceeded(): void {
    if (this.failedCalls > 0) this.logger.info({ failedCalls: this.failedCalls }, 'gateway calls succeed again');
    this.failedCalls = 0;
    this.gatewayAnswered();
  }

  private gatewayAnswered(): void {
    this.answered = true;
    this.unansweredCalls = 0;
  }

  private callFailed(error: GatewayCallError): void {
    this.counters.add('callErrors');
    this.instruments.callFailed(error.method, error.errorType);
  }

  private dropAcks(acks: readonly AckItem[], failure: GatewayCallError): void {
    this.counters.add('acksDropped', acks.length);
    this.ackRejections = 0;
    this.logger.error({ err: failure, descriptors: acks.map((a) => a.descriptor) }, `the gateway refused these acks ${MAX_ACK_REJECTIONS} times; dropped (the claim timeout retries their jobs)`);
  }

  // ---------------------------------------------------------------- jobs

  private startJob(descriptor: string, body: Buffer, metadata: { attemptsAllowed: number | null; attemptsRemaining: number | null } | undefined): void {
    const execution = new JobExecution({
      queue: this.config.queue, descriptor, body,
      attemptsAllowed: metadata?.attemptsAllowed ?? null, attemptsRemaining: metadata?.attemptsRemaining ?? null,
      checkpoint: (d, options) => this.checkpointJob(d, options),
      nowMs: () => systemClock.nowMs(),
    });
    const key = this.nextKey++;
    const entry: Running = { execution, done: Promise.resolve() };
    this.running.set(key, entry);
    this.heartbeats.add(descriptor);
    entry.done = this.finishJob(key, execution);
    runDetached('a job runs beside the dequeue loop; its outcome becomes an ack', entry.done, this.logger);
  }

  private async finishJob(key: number, execution: JobExecution): Promise<void> {
    const { descriptor } = execution.job;
    try {
      const outcome = await execution.run(this.config.handler, this.config.retryBackoff, this.config.random);
      await this.heartbeats.remove(descriptor);
      if (!execution.released) {
        if (outcome.kind === 'failed' && outcome.exhaust) await this.exhaustAttempts(descriptor);
        this.acks.add(ackItemOf(descriptor, outcome));
        this.jobEnded(execution, outcome);
      }
    } finally {
      this.running.delete(key);
      this.wakeup.wake();
    }
  }

  private jobEnded(execution: JobExecution, outcome: JobOutcome): void {
    const result = resultOf(outcome);
    this.count(result, outcome.handlerMs / 1000);
    const { descriptor, attempt, attemptsRemaining } = execution.job;
    if (outcome.kind === 'succeeded') {
      this.logger.debug({ descriptor, attempt, handlerMs: outcome.handlerMs }, 'job succeeded');
      return;
    }
    const retryDelayMs = outcome.retry ? outcome.retryDelayMs : undefined;
    this.logger.warn({ err: outcome.error, descriptor, attempt, attemptsRemaining, result, retryDelayMs, handlerMs: outcome.handlerMs }, outcome.retry ? 'job failed; PinLater retries it' : 'job failed for good');
  }

  private count(result: JobResult, handlerSeconds: number | undefined): void {
    this.counters.add(result);
    this.instruments.jobFinished(result, handlerSeconds);
  }

  /** A non-retryable failure with attempts left: attempts set to 1 first, so the failed ack ends it FAILED. */
  private async exhaustAttempts(descriptor: string): Promise<void> {
    try {
      await this.connection.checkpoint(this.config.queue, [{ descriptor, attemptsAllowed: 1 }]);
    } catch (e) {
      this.logger.warn({ err: e, descriptor }, 'could not use up the attempts of a job that failed with a non-retryable error; PinLater may run it again');
    }
  }

  private async checkpointJob(descriptor: string, options: CheckpointOptions): Promise<void> {
    await this.connection.checkpoint(this.config.queue, [{
      descriptor,
      ...(options.newBody === undefined ? {} : { newBody: options.newBody }),
      ...(options.prependCustomStatus === undefined ? {} : { prependCustomStatus: options.prependCustomStatus }),
    }]);
    this.heartbeats.touch(descriptor);
  }

  // ---------------------------------------------------------------- close

  private async shutDown(deadlineMs: number): Promise<WorkerCloseSummary> {
    const started = systemClock.nowMs();
    const deadline = started + deadlineMs;
    const left = (): number => Math.max(0, deadline - systemClock.nowMs());
    const reserve = Math.min(CLOSE_RESERVE_MS, Math.floor(deadlineMs / 4));
    const before = this.counters.snapshot();
    const wasStarted = this.state !== 'created';
    this.state = 'closing';
    this.wakeup.wake();
    this.logger.info({ inFlight: this.running.size, deadlineMs }, 'pinlater worker stopping: no more dequeues, finishing the jobs in flight');
    if (this.loop !== undefined) await settleWithin(this.loop, left());
    await settleWithin(this.allDone(), Math.max(0, left() - reserve));
    const released = [...this.unstarted, ...this.releaseUnfinished()];
    await settleWithin(this.allDone(), Math.max(0, left() - reserve / 2));
    await settleWithin(this.heartbeats.stop(), left());
    const notReleased = await this.handBack(released, left);
    await this.flushAcks(left);
    await settleWithin(this.connection.close(), left());
    this.state = 'closed';
    const after = this.counters.snapshot();
    const summary: WorkerCloseSummary = {
      finished: after.succeeded + after.retried + after.failed - before.succeeded - before.retried - before.failed,
      released: released.filter((d) => !notReleased.includes(d)), notReleased, unacked: this.acks.descriptors(), elapsedMs: systemClock.nowMs() - started,
    };
    if (wasStarted) this.logger.info({ ...summary, released: summary.released.length, totals: after }, 'pinlater worker stopped');
    return summary;
  }

  /** Resolves when every job held now has ended (released ones excluded: their handlers may never end). */
  private allDone(): Promise<unknown> {
    return Promise.all([...this.running.values()].filter((r) => !r.execution.released).map((r) => r.done));
  }

  /** Gives up every job whose handler still runs; their descriptors. */
  private releaseUnfinished(): string[] {
    const released = [...this.running.values()].filter((r) => r.execution.release()).map((r) => r.execution.job.descriptor);
    if (released.length > 0) this.logger.warn({ jobs: released.length }, 'jobs still running at the shutdown deadline: released, handed back to PENDING');
    return released;
  }

  /** Checkpoints `descriptors` back to PENDING (no attempt consumed), retried until the deadline; those it could not. */
  private async handBack(descriptors: readonly string[], left: () => number): Promise<string[]> {
    if (descriptors.length === 0) return [];
    const items = descriptors.map((descriptor) => ({ descriptor, moveToPending: true }));
    const sent = await this.untilDeadline('handing jobs back', left, () => this.connection.checkpoint(this.config.queue, items));
    if (!sent) {
      this.logger.error({ descriptors }, 'could not hand these jobs back before the deadline; the claim timeout retries them');
      return [...descriptors];
    }
    for (let i = 0; i < descriptors.length; i++) this.count('released', undefined);
    return [];
  }

  /** The acks still owed, in batches, each retried until the deadline. */
  private async flushAcks(left: () => number): Promise<void> {
    while (this.acks.size > 0 && left() > 0) {
      const batch = this.acks.take(this.config.maxAcksPerCall);
      let rejections = 0;
      const sent = await this.untilDeadline('sending the final acks', left, async () => {
        try {
          await this.connection.ack(ackRequestOf(this.config.queue, batch));
        } catch (e) {
          const failure = classifyCallFailure('ackDequeuedJobs', e);
          if (failure.kind === 'connection' || ++rejections < MAX_ACK_REJECTIONS) throw failure;
          this.dropAcks(batch, failure);
        }
      });
      if (!sent) {
        this.acks.putBack(batch);
        this.logger.error({ descriptors: this.acks.descriptors() }, 'could not send these acks before the deadline; the claim timeout retries their jobs');
        return;
      }
      this.counters.add('acksSentAlone', batch.length);
    }
  }

  /** Runs `call` until it succeeds, backing off between tries; false if the deadline came first. */
  private async untilDeadline(what: string, left: () => number, call: () => Promise<void>): Promise<boolean> {
    for (let failures = 0; left() > 0; failures++) {
      const attempt = call().then(() => true, (e: unknown) => {
        this.logger.warn({ err: e, what }, 'shutdown call failed; retrying until the deadline');
        return false;
      });
      let ok = false;
      await settleWithin(attempt.then((v) => {
        ok = v;
      }), left());
      if (ok) return true;
      const waitMs = Math.min(backoffDelayMs(this.config.reconnectBackoff, failures, this.config.random), left());
      if (waitMs > 0) await sleep(waitMs);
    }
    return false;
  }
}

function ackItemOf(descriptor: string, outcome: JobOutcome): AckItem {
  if (outcome.kind === 'succeeded') return { descriptor, result: 'succeeded', ...(outcome.customStatus === '' ? {} : { appendCustomStatus: outcome.customStatus }) };
  return { descriptor, result: 'failed', appendCustomStatus: outcome.customStatus, retryDelayMs: outcome.retryDelayMs };
}
