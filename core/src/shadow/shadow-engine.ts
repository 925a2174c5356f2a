/**
 * Shadow mode's runtime (issue 13): legacy stays primary and answers the client; this engine
 * repeats the queue's traffic on its shadow copy in Pacer (shadow-queue-name.ts) and compares.
 *
 * - enqueueJobs: the jobs are copied to the shadow queue; the answers are compared (as many
 *   descriptors; error parity, also when legacy refused the call as the client's fault, 4xx), and
 *   each legacy descriptor is mapped to its copy's (the alias map: bounded, least recently used
 *   evicted). A missing shadow queue is a candidate_error: it is never created here (the operator
 *   CLI creates it at `shadow start` and deletes it when the queue leaves shadow mode).
 * - lookupJobs (descriptors with an alias), getJobCount, scanJobs and dry-run dequeueJobs are
 *   repeated on the shadow copy (the candidate) and on legacy again (the secondary, for the noise
 *   floor) and compared (shadow-comparison.ts, shadow-fields.ts).
 * - real dequeues and acks are mirrored by the drainer (shadow-drainer.ts): copies are claimed and
 *   acked, never executed.
 *
 * The primary path only gains a timer read and a synchronous, non-throwing submit to the bounded
 * executor (shadow-executor.ts), which starts the work after the answer is on its way, sheds it
 * under load (this process's event-loop utilization above `maxEventLoopUtilization`, or above
 * `maxTasksPerSecond`: shadow-load-guard.ts) and counts every drop: the shadow side can never slow
 * down or fail the primary. Reads are compared for a `readSampleRatio` share only. A dropped copy
 * task leaves the queue's copy incomplete: its whole-queue comparisons are then `ignored` until
 * the shadow session ends (shadow-statistics.ts).
 * Shadow calls carry no trace context (they are not part of the client's call).
 */
import type { Logger } from '../logging/logger';
import type { PinLaterBackend } from '../interfaces/pinlater-backend';
import { PinLaterError } from '../errors/pinlater-error';
import type { JobInfo } from '../types/job';
import type { AckRequest, CountRequest, DequeueRequest, DequeueResult, EnqueueRequest, LookupRequest, ScanRequest, Traced } from '../types/requests';
import type { Clock } from '../util/clock';
import { BoundedLru } from './bounded-lru';
import { errorName, ShadowComparator, type ReadComparison } from './shadow-comparison';
import { ShadowDrainer } from './shadow-drainer';
import { ShadowExecutor, type ShadowAdmission, type ShadowDropReason, type ShadowTaskKind } from './shadow-executor';
import { diffCount, diffDequeue, diffEnqueue, diffLookup, diffOutcomes, diffScan, unjudgedState, type Outcome } from './shadow-fields';
import { processLoadGuard } from './shadow-load-guard';
import { NO_SHADOW_OBSERVER, type ShadowObserver } from './shadow-observer';
import { shadowQueueName } from './shadow-queue-name';
import type { ShadowInspector, ShadowMethod, ShadowQueueReport } from './shadow-report';
import type { ShadowSettings } from './shadow-settings';
import { ShadowStatistics } from './shadow-statistics';

export interface ShadowEngineOptions {
  /** The candidate: Pacer, which holds the shadow copies. */
  readonly pacer: PinLaterBackend;
  readonly settings: ShadowSettings;
  readonly observer?: ShadowObserver;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Shedding under load; default: this process's event loop and the settings (shadow-load-guard.ts). */
  readonly admission?: ShadowAdmission;
  /** Uniform in [0, 1), for readSampleRatio. @default Math.random */
  readonly random?: () => number;
}

/** The legacy backend of a queue served in shadow mode now, else undefined (routing-backend.ts). */
export type ShadowLegacyOf = (queue: string) => PinLaterBackend | undefined;

export class ShadowEngine implements ShadowInspector {
  private readonly executor: ShadowExecutor;
  private readonly statistics: ShadowStatistics;
  private readonly comparator: ShadowComparator;
  private readonly drainer: ShadowDrainer;
  private readonly aliases: BoundedLru<string, string>;
  private readonly observer: ShadowObserver;
  private readonly pacer: PinLaterBackend;
  private readonly stopLoadSampling: () => void;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: ShadowEngineOptions) {
    const { settings, clock } = options;
    this.pacer = options.pacer;
    this.observer = options.observer ?? NO_SHADOW_OBSERVER;
    this.statistics = new ShadowStatistics(settings);
    const processGuard = options.admission === undefined ? processLoadGuard(settings, clock) : undefined;
    this.stopLoadSampling = processGuard?.close ?? ((): void => undefined);
    this.executor = new ShadowExecutor({
      maxPending: settings.maxPendingTasks, maxConcurrency: settings.maxConcurrency, taskTimeoutMs: settings.taskTimeoutMs,
      maxAbandoned: settings.maxAbandonedTasks, logger: options.logger, admission: options.admission ?? processGuard?.guard,
      onDrop: (queue, reason, kind) => this.dropped(queue, reason, kind),
    });
    this.comparator = new ShadowComparator(this.statistics, this.observer, clock);
    this.aliases = new BoundedLru(settings.aliasMapSize);
    this.drainer = new ShadowDrainer({
      pacer: this.pacer, aliases: this.aliases, executor: this.executor, statistics: this.statistics, observer: this.observer,
      clock, logger: options.logger, holdMs: settings.drainHoldMs, maxHeld: settings.maxHeldClaims, ledgerSize: settings.aliasMapSize,
    });
  }

  // ---- the primary's calls, shadowed -------------------------------------------------------------

  enqueueJobs(req: EnqueueRequest, legacy: PinLaterBackend): Promise<string[]> {
    return this.primary(req.queue, 'enqueueJobs', () => legacy.enqueueJobs(req), {
      after: (answer) => this.copyEnqueue(req, answer, undefined),
      onError: (error) => this.copyEnqueue(req, undefined, error),
    });
  }

  dequeueJobs(req: DequeueRequest, legacy: PinLaterBackend): Promise<DequeueResult> {
    if (!req.dryRun) {
      // A real dequeue: mirrored by the drainer, not compared.
      return this.primary(req.queue, 'dequeueJobs', () => legacy.dequeueJobs(req), {
        timed: false, onError: () => undefined, after: (answer) => this.drainer.mirrorDequeue(untraced(req), answer.jobs.length),
      });
    }
    return this.primary(req.queue, 'dequeueJobs', () => legacy.dequeueJobs(req), {
      after: (answer) => this.compareRead({
        queue: req.queue, method: 'dequeueJobs', primary: answer,
        candidate: () => this.pacer.dequeueJobs({ ...untraced(req), queue: shadowQueueName(req.queue) }),
        secondary: () => legacy.dequeueJobs(untraced(req)),
        diff: (a, b) => diffDequeue(a.jobs, b.jobs, req.limit),
      }),
    });
  }

  getJobCount(req: CountRequest, legacy: PinLaterBackend): Promise<number> {
    return this.primary(req.queue, 'getJobCount', () => legacy.getJobCount(req), {
      after: (answer) => this.compareRead({
        queue: req.queue, method: 'getJobCount', primary: answer,
        candidate: () => this.pacer.getJobCount({ ...untraced(req), queue: shadowQueueName(req.queue) }),
        secondary: () => legacy.getJobCount(untraced(req)),
        diff: diffCount, ignoredByRule: unjudgedState(req.state),
      }),
    });
  }

  scanJobs(req: ScanRequest, legacy: PinLaterBackend): Promise<JobInfo[]> {
    return this.primary(req.queue, 'scanJobs', () => legacy.scanJobs(req), {
      after: (answer) => this.compareRead({
        queue: req.queue, method: 'scanJobs', primary: answer,
        candidate: () => this.pacer.scanJobs({ ...untraced(req), queue: shadowQueueName(req.queue) }),
        secondary: () => legacy.scanJobs(untraced(req)),
        diff: (a, b) => diffScan(a, b, req.limit), ignoredByRule: unjudgedState(req.state),
      }),
    });
  }

  /**
   * A lookup (descriptors of any queues): answered by `primary`; then, per queue in shadow mode,
   * the descriptors with an alias are looked up on their copies and again on legacy, and compared.
   * The drainer's mark, taken before the primary read, tells which copies moved meanwhile.
   */
  async lookupJobs(req: LookupRequest, primary: () => Promise<Map<string, JobInfo>>, legacyOf: ShadowLegacyOf): Promise<Map<string, JobInfo>> {
    const started = performance.now();
    const mark = this.drainer.mark();
    const answer = await primary();
    this.guarded(() => {
      for (const [queue, group] of this.aliasedByQueue(req.descriptors, legacyOf)) {
        this.comparator.timedSide(queue, 'lookupJobs', 'primary', (performance.now() - started) / 1000);
        this.compareLookup(queue, group, req.includeBody, answer, mark);
      }
    });
    return answer;
  }

  /**
   * The queue is served outside shadow mode now (routing-backend.ts, on its calls): its shadow
   * session ended, so a later one starts with a complete copy. Cheap; never adds a queue.
   */
  sessionEnded(queue: string): void {
    this.guarded(() => this.statistics.sessionEnded(queue));
  }

  /** The client's ack is about to be applied on legacy: its copies are in flight until `acked` or `ackFailed`. */
  ackStarting(req: AckRequest): void {
    this.guarded(() => this.drainer.twinAcking(req));
  }

  /** The client's ack was applied on legacy: ack the shadow copies alike. */
  acked(req: AckRequest): void {
    this.guarded(() => this.drainer.mirrorAck(untraced(req)));
  }

  /** The client's ack failed on legacy (perhaps applied in part): its copies are no longer compared by state. */
  ackFailed(req: AckRequest): void {
    this.guarded(() => this.drainer.twinAckFailed(req));
  }

  // ---- inspection and lifecycle ------------------------------------------------------------------

  queues(): string[] {
    return this.statistics.queues();
  }

  report(queue: string): ShadowQueueReport | undefined {
    return this.statistics.report(queue);
  }

  /** Shadow tasks waiting, running, or abandoned with calls still outstanding (the pending gauge). */
  pendingTasks(): number {
    return this.executor.pending() + this.executor.abandonedTasks();
  }

  /** Flagged fields per queue and method (the flagged-fields gauge). */
  flaggedFields(): Array<{ queue: string; method: ShadowMethod; flagged: number }> {
    return this.statistics.flaggedFields();
  }

  /** Stops the drainer's timer; running shadow work gets `closeGraceMs`, the rest is dropped. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.drainer.close();
      this.stopLoadSampling();
      await this.executor.close(this.options.settings.closeGraceMs);
    })();
    return this.closing;
  }

  // ---- internals -----------------------------------------------------------------------------

  /**
   * Runs the primary call and answers with it; then (never throwing, never awaited) `after` with
   * its answer, or `onError` (default: a primary_error) with its error. The primary's latency is
   * recorded unless `timed` is false (real dequeues: compared by nothing).
   */
  private async primary<T>(queue: string, method: ShadowMethod, call: () => Promise<T>, hooks: PrimaryHooks<T>): Promise<T> {
    const started = performance.now();
    const timed = (): void => {
      if (hooks.timed !== false) this.comparator.timedSide(queue, method, 'primary', (performance.now() - started) / 1000);
    };
    let answer: T;
    try {
      answer = await call();
    } catch (e) {
      this.guarded(() => {
        timed();
        if (hooks.onError === undefined) this.comparator.failed(queue, method, 'primary');
        else hooks.onError(e);
      });
      throw e;
    }
    this.guarded(() => {
      timed();
      hooks.after(answer);
    });
    return answer;
  }

  private compareRead<T>(c: ReadComparison<T>): void {
    if (this.sampled()) this.submitComparison(c);
  }

  private submitComparison<T>(c: ReadComparison<T>): void {
    this.executor.submit(c.queue, async () => {
      await this.comparator.compareRead(c);
    });
  }

  /** Whether this read is compared (readSampleRatio). */
  private sampled(): boolean {
    const ratio = this.options.settings.readSampleRatio;
    return ratio >= 1 || (this.options.random ?? Math.random)() < ratio;
  }

  private dropped(queue: string, reason: ShadowDropReason, kind: ShadowTaskKind): void {
    this.statistics.dropped(queue);
    if (kind === 'copy') this.statistics.copyShed(queue, this.options.clock.nowMs());
    this.observer.dropped(queue, reason);
  }

  /** Copies the jobs to the shadow queue and compares the answers (error parity included). */
  private copyEnqueue(req: EnqueueRequest, answer: string[] | undefined, error: unknown): void {
    const clientFault = error instanceof PinLaterError && error.code < 500;
    if (answer === undefined && !clientFault) {
      this.comparator.failed(req.queue, 'enqueueJobs', 'primary');
      return;
    }
    const primary: Outcome<string[]> = answer === undefined ? { ok: false, error: errorName(error) } : { ok: true, value: answer };
    // The client may ack these jobs before their copies exist: the drainer keeps those outcomes meanwhile.
    const legacy = answer ?? [];
    this.drainer.copying(legacy);
    const submitted = this.executor.submit(req.queue, async () => {
      try {
        const candidate = await this.comparator.timed({ queue: req.queue, method: 'enqueueJobs' }, 'candidate', () =>
          this.pacer.enqueueJobs({ queue: shadowQueueName(req.queue), jobs: req.jobs }));
        if (candidate.ok) this.copied(req.queue, primary, candidate.value);
        if (primary.ok && !candidate.ok) this.comparator.failed(req.queue, 'enqueueJobs', 'candidate');
        else this.comparator.record(req.queue, 'enqueueJobs', diffOutcomes(primary, candidate, diffEnqueue), undefined);
      } finally {
        this.drainer.copyLost(legacy); // those without a copy
      }
    }, 'copy');
    if (!submitted) this.drainer.copyLost(legacy);
  }

  /** Counts the copies and maps each legacy descriptor to its copy's (when both answered alike). */
  private copied(queue: string, primary: Outcome<string[]>, copies: readonly string[]): void {
    this.statistics.copied(queue, copies.length);
    this.observer.copied(queue, copies.length);
    if (!primary.ok || primary.value.length !== copies.length) return;
    primary.value.forEach((legacy, i) => {
      this.aliases.set(legacy, copies[i] as string);
      this.drainer.copied(queue, legacy, copies[i] as string);
    });
  }

  /** The requested descriptors that have a copy, by queue, for queues in shadow mode now. */
  private aliasedByQueue(descriptors: readonly string[], legacyOf: ShadowLegacyOf): Map<string, { legacy: PinLaterBackend; aliases: Map<string, string> }> {
    const groups = new Map<string, { legacy: PinLaterBackend; aliases: Map<string, string> }>();
    for (const descriptor of descriptors) {
      const shadow = this.aliases.get(descriptor);
      if (shadow === undefined) continue;
      const queue = descriptor.slice(0, descriptor.indexOf(':'));
      let group = groups.get(queue);
      if (group === undefined) {
        const legacy = legacyOf(queue);
        if (legacy === undefined) continue;
        groups.set(queue, (group = { legacy, aliases: new Map() }));
      }
      group.aliases.set(descriptor, shadow);
    }
    return groups;
  }

  private compareLookup(queue: string, group: { legacy: PinLaterBackend; aliases: Map<string, string> }, includeBody: boolean, answer: Map<string, JobInfo>, mark: number): void {
    if (!this.sampled()) return; // before building anything
    const descriptors = [...group.aliases.keys()];
    const primary = new Map(descriptors.flatMap((d) => (answer.has(d) ? [[d, answer.get(d) as JobInfo] as const] : [])));
    this.submitComparison<Map<string, JobInfo>>({
      queue, method: 'lookupJobs', primary,
      candidate: async () => {
        const found = await this.pacer.lookupJobs({ descriptors: [...group.aliases.values()], includeBody });
        return new Map(descriptors.flatMap((d) => (found.has(group.aliases.get(d) as string) ? [[d, found.get(group.aliases.get(d) as string) as JobInfo] as const] : [])));
      },
      secondary: () => group.legacy.lookupJobs({ descriptors, includeBody }),
      diff: (a, b) => diffLookup(descriptors.map((d) => ({ primary: a.get(d), candidate: b.get(d), inTransit: this.drainer.inTransit(group.aliases.get(d) as string, mark) }))),
    });
  }

  /** Shadow bookkeeping on the primary path: a failure is logged, never passed on. */
  private guarded(work: () => void): void {
    try {
      work();
    } catch (err) {
      this.options.logger.warn({ err }, 'shadow bookkeeping failed; the primary answer is unaffected');
    }
  }
}

interface PrimaryHooks<T> {
  readonly after: (answer: T) => void;
  readonly onError?: (error: unknown) => void;
  readonly timed?: boolean;
}

/** The request without its trace context (shadow calls are not part of the client's trace). */
function untraced<T extends Traced>(req: T): T {
  const copy = { ...req };
  delete copy.trace;
  return copy;
}
