/**
 * The client traffic of migration-end-to-end.test.ts: per gateway and per queue one producer and
 * one worker, each a real PinLater Thrift client on its own connection (migration-e2e-client.ts),
 * running until `stop()`, writing what they see into a TrafficRecord (migration-e2e-record.ts).
 *
 * - Producers enqueue 1–3 new jobs (migration-e2e-jobs.ts: several priorities, some run-after
 *   2–10 s ahead, some retried, checkpointed or ending FAILED) per call, paced, while producing is
 *   on. An enqueue that fails (its gateway was killed) is sent again as the next try of the same
 *   ids once the client reconnected.
 * - Workers dequeue with the previous batch's acks piggybacked, record each attempt, checkpoint the
 *   `checkpoint` jobs, and decide each job's ack by its kind. A failed call (the gateway died under
 *   it) leaves its acks uncertain and may have claimed jobs whose reply was lost; after
 *   reconnecting, the worker looks the uncertain jobs up and acks again those still IN_PROGRESS
 *   under its dead incarnation's claim, then puts back to PENDING (checkpoint moveToPending, as
 *   the claim-timeout monitor would, the test's claim timeout being far beyond its length) the jobs
 *   that dead incarnation claimed and never received.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AckInfoSpec, ServerAddress } from '../conformance/harness/conformance-client';
import { JobState as WireState } from '../conformance/harness/conformance-client';
import { seededRandom } from '../support/seeded-random';
import { claimedBy, ReconnectingClient } from './migration-e2e-client';
import { checkpointedBody, decide, jobOfTry, parseBody, planJob, PRIORITIES, type JobKind, type PlannedJob, type WorkerAck } from './migration-e2e-jobs';
import { attemptKey, type TrafficRecord } from './migration-e2e-record';

const DEQUEUE_LIMIT = 10;
/** A worker that found nothing waits this long before its next dequeue (pacing, not waiting for a condition). */
const IDLE_PACE_MS = 40;
const SCAN_LIMIT = 1000;
const LOOKUP_BATCH = 200;

export interface TrafficOptions {
  readonly queues: readonly string[];
  readonly gateways: readonly ServerAddress[];
  readonly seed: number;
  /** Pause between a producer's enqueue calls. */
  readonly producePaceMs: number;
}

/** A job a worker holds: got it, not yet acked. */
interface Held {
  readonly descriptor: string;
  readonly key: string;
  readonly kind: JobKind;
  readonly body: Buffer;
  /** The source of the dequeue that claimed it (checkpoints must name it). */
  readonly claimSource: string;
  readonly ack: WorkerAck;
  checkpointed: boolean;
}

interface Lane {
  readonly gateway: number;
  readonly queue: string;
  readonly producer: ReconnectingClient;
  readonly worker: ReconnectingClient;
  readonly rng: () => number;
}

export class MigrationTraffic {
  private producing = true;
  private running = true;
  private enqueuesInFlight = 0;
  private nextId = 0;
  private readonly loops: Array<Promise<void>> = [];
  /** Loops that ended with an error (a client that could not reconnect): the test fails on them. */
  readonly crashed: string[] = [];

  private constructor(private readonly options: TrafficOptions, private readonly record: TrafficRecord, private readonly lanes: readonly Lane[]) {}

  static async start(options: TrafficOptions, record: TrafficRecord): Promise<MigrationTraffic> {
    const lanes: Lane[] = [];
    let n = 0;
    for (const [gateway, address] of options.gateways.entries()) {
      for (const queue of options.queues) {
        const tag = `${queue.replace(/[^A-Za-z0-9]/g, '')}g${gateway}`;
        lanes.push({
          gateway, queue,
          producer: new ReconnectingClient(address, `e2ep${tag}`, gateway, record),
          worker: new ReconnectingClient(address, `e2ew${tag}`, gateway, record),
          rng: seededRandom(options.seed + 7919 * ++n),
        });
      }
    }
    const traffic = new MigrationTraffic(options, record, lanes);
    try {
      for (const lane of lanes) await Promise.all([lane.producer.connect(), lane.worker.connect()]);
    } catch (e) {
      await traffic.closeClients();
      throw e;
    }
    for (const lane of lanes) traffic.loops.push(traffic.guard(`producer ${lane.producer.name}`, traffic.produce(lane)), traffic.guard(`worker ${lane.worker.name}`, traffic.work(lane)));
    return traffic;
  }

  /** Stops the producers; resolves once no enqueue is in flight (an enqueue being retried finishes first). */
  async stopProducers(): Promise<void> {
    this.producing = false;
    while (this.enqueuesInFlight > 0) await sleep(10);
  }

  /** Stops every loop (workers send their last acks first) and closes every connection. */
  async stop(): Promise<void> {
    this.producing = false;
    this.running = false;
    await Promise.all(this.loops);
    await this.closeClients();
  }

  private async closeClients(): Promise<void> {
    for (const lane of this.lanes) await Promise.all([lane.producer.close(), lane.worker.close()]);
  }

  private async guard(name: string, loop: Promise<void>): Promise<void> {
    try {
      await loop;
    } catch (e) {
      this.crashed.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  // ------------------------------------------------------------ producers

  private async produce(lane: Lane): Promise<void> {
    while (this.running && this.producing) {
      this.enqueuesInFlight += 1; // in the same tick as the check: stopProducers waits for it
      try {
        const count = 1 + Math.floor(lane.rng() * 3);
        const plans = Array.from({ length: count }, () => planJob(lane.rng, lane.queue, `${lane.queue}.${this.nextId++}`, Date.now()));
        await this.enqueueUntilAnswered(lane, plans);
      } finally {
        this.enqueuesInFlight -= 1;
      }
      await sleep(this.options.producePaceMs);
    }
  }

  /** Enqueues the jobs; after a failed call, reconnects and enqueues them again as the next try. */
  private async enqueueUntilAnswered(lane: Lane, plans: ReturnType<typeof planJob>[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const jobs: PlannedJob[] = plans.map((p) => jobOfTry(p, attempt));
      try {
        const descriptors = await lane.producer.call('enqueueJobs', (c) => c.enqueue(lane.queue, jobs.map((j) => j.spec)));
        jobs.forEach((job, i) => this.record.recordEnqueue(job, descriptors[i]));
        return;
      } catch {
        for (const job of jobs) this.record.recordEnqueue(job, undefined);
        await lane.producer.reconnect();
      }
    }
  }

  // ------------------------------------------------------------ workers

  private async work(lane: Lane): Promise<void> {
    let held: Held[] = [];
    while (this.running || held.length > 0) {
      const sent = held;
      let got: Held[];
      try {
        got = this.running ? await this.dequeue(lane, sent) : [];
        if (!this.running && sent.length > 0) await lane.worker.call('ackDequeuedJobs', (c) => c.ack({ queue: lane.queue, ...ackLists(sent) }));
      } catch {
        held = [];
        await this.recover(lane, sent);
        continue;
      }
      this.markAcked(sent);
      held = got;
      const toCheckpoint = held.filter((h) => h.kind === 'checkpoint');
      try {
        await this.checkpoint(lane, toCheckpoint);
      } catch {
        // The jobs are still ours (IN_PROGRESS under their claim): checkpoint them again after reconnecting.
        await this.recover(lane, []);
        await this.checkpoint(lane, toCheckpoint.filter((h) => !h.checkpointed)).catch(() => undefined);
      }
      if (got.length === 0 && this.running) await sleep(IDLE_PACE_MS);
    }
  }

  /** One dequeue carrying the acks of `acks`; records and returns the jobs got. */
  private async dequeue(lane: Lane, acks: readonly Held[]): Promise<Held[]> {
    const source = lane.worker.source;
    const reply = await lane.worker.call('dequeueJobs', (c) => c.dequeue({
      queue: lane.queue, limit: DEQUEUE_LIMIT, ...(acks.length === 0 ? {} : { ack: { queue: lane.queue, ...ackLists(acks) } }),
    }));
    const now = Date.now();
    const got: Held[] = [];
    for (const [descriptor, body] of Object.entries(reply.jobs ?? {})) {
      const parsed = parseBody(body);
      const meta = reply.jobMetadata?.[descriptor];
      if (parsed === undefined || meta?.attemptsRemaining == null || meta.attemptsAllowed == null) {
        this.record.recordFailure({ what: 'dequeueJobs (reply)', gateway: lane.gateway, lane: lane.worker.name, atMs: now, message: `unexpected job ${descriptor}: body ${body.toString()}, metadata ${JSON.stringify(meta ?? null)}` });
        continue;
      }
      this.record.recordAttempt(parsed.key, { attemptsRemaining: meta.attemptsRemaining, gateway: lane.gateway, descriptor, atMs: now });
      got.push({
        descriptor, key: parsed.key, kind: parsed.kind, body, claimSource: source, checkpointed: false,
        ack: decide(parsed.kind, meta.attemptsAllowed, meta.attemptsRemaining, lane.rng),
      });
    }
    return got;
  }

  private async checkpoint(lane: Lane, jobs: readonly Held[]): Promise<void> {
    for (const h of jobs) {
      await lane.worker.call('checkpointJobs', (c) => c.checkpoint(lane.queue, [{ descriptor: h.descriptor, newBody: checkpointedBody(h.body) }], h.claimSource));
      h.checkpointed = true;
    }
  }

  private markAcked(jobs: readonly Held[]): void {
    for (const h of jobs) {
      const attempt = this.record.attempts.get(h.key)?.find((a) => a.descriptor === h.descriptor && a.acked === undefined);
      if (attempt !== undefined) attempt.acked = h.ack.outcome;
    }
  }

  /**
   * After a failed call: reconnect; ack again the jobs of `uncertain` whose ack did not take effect
   * (still IN_PROGRESS under their claim); put back to PENDING the jobs the dead incarnation
   * claimed in a dequeue whose reply never came. Retried until it gets through.
   */
  private async recover(lane: Lane, uncertain: readonly Held[]): Promise<void> {
    const deadSource = lane.worker.source;
    for (;;) {
      await lane.worker.reconnect();
      try {
        await this.resendLostAcks(lane, uncertain);
        await this.releaseOrphans(lane, deadSource);
        return;
      } catch {
        // the gateway went away again: reconnect and start over (both steps are idempotent)
      }
    }
  }

  private async resendLostAcks(lane: Lane, uncertain: readonly Held[]): Promise<void> {
    for (let i = 0; i < uncertain.length; i += LOOKUP_BATCH) {
      const batch = uncertain.slice(i, i + LOOKUP_BATCH);
      const found = await lane.worker.call('lookupJobs', (c) => c.lookup(batch.map((h) => h.descriptor)));
      const lost = batch.filter((h) => found[h.descriptor]?.jobState === WireState.IN_PROGRESS && claimedBy(found[h.descriptor]?.claimDescriptor ?? null, h.claimSource));
      const checkpointFirst = lost.filter((h) => h.kind === 'checkpoint' && !h.checkpointed);
      await this.checkpoint(lane, checkpointFirst);
      if (lost.length > 0) {
        await lane.worker.call('ackDequeuedJobs', (c) => c.ack({ queue: lane.queue, ...ackLists(lost) }));
        this.record.acksResent += lost.length;
      }
      this.markAcked(batch);
    }
  }

  private async releaseOrphans(lane: Lane, deadSource: string): Promise<void> {
    for (let priority = 1; priority <= PRIORITIES; priority++) {
      for (const future of [false, true]) {
        const scan = await lane.worker.call('scanJobs', (c) => c.scan({ queue: lane.queue, state: WireState.IN_PROGRESS, priority, future, limit: SCAN_LIMIT }));
        const orphans = scan.scannedJobs.filter((j) => claimedBy(j.claimDescriptor, deadSource) && !this.record.received.has(attemptKey(j.jobDescriptor, j.attemptsRemaining)));
        for (const o of orphans) {
          await lane.worker.call('checkpointJobs', (c) => c.checkpoint(lane.queue, [{ descriptor: o.jobDescriptor, moveToPending: true }], deadSource));
          this.record.orphansRecovered += 1;
        }
      }
    }
  }
}

function ackLists(jobs: readonly Held[]): { succeeded: AckInfoSpec[]; failed: AckInfoSpec[] } {
  const succeeded: AckInfoSpec[] = [];
  const failed: AckInfoSpec[] = [];
  for (const h of jobs) {
    if (h.ack.outcome === 'succeeded') succeeded.push({ descriptor: h.descriptor });
    else failed.push({ descriptor: h.descriptor, retryDelayMs: h.ack.retryDelayMs });
  }
  return { succeeded, failed };
}
