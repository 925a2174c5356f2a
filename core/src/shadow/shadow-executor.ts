/**
 * Runs shadow work beside the primary path without ever slowing it down or failing it (issue 13):
 * `submit` is synchronous, never throws and never waits; the work starts on a later turn of the
 * event loop (after the primary's answer is on its way), under hard bounds:
 *
 * - at most `maxPending` tasks waiting or running: beyond, the task is dropped (`queue_full`);
 * - at most `maxConcurrency` running at once; the rest wait in arrival order;
 * - a task running longer than `taskTimeoutMs` is abandoned (`timeout`): its slot is freed, but
 *   its calls may still be outstanding (a stalled store), so it counts as abandoned until it
 *   settles; while `maxAbandoned` are, new tasks are dropped (`overloaded`). Outstanding calls on
 *   the candidate are thus bounded by maxConcurrency + maxAbandoned, whatever the candidate does;
 * - shedding under load: while `admission` refuses (the event loop is busier than the configured
 *   utilization, or the shadow task rate is above its cap: shadow-load-guard.ts), new tasks are
 *   dropped (`overloaded`), so at saturation the shadow work steps aside for the primary;
 * - `close(graceMs)` drops what waits, gives what runs up to graceMs, and drops the rest (`closing`).
 *
 * Every drop is reported with its queue, reason and kind (`onDrop`): a dropped `copy` task (an
 * enqueue copied, a dequeue or ack mirrored) leaves the shadow copy incomplete, a dropped
 * `compare` task only loses one comparison. Work should handle its own errors;
 * a rejection that escapes is logged at debug level and otherwise ignored.
 */
import type { Logger } from '../logging/logger';
import { settleWithin } from '../util/settle-within';

export type ShadowDropReason = 'queue_full' | 'timeout' | 'overloaded' | 'closing';

/** `copy`: keeps the shadow copy in step with legacy; `compare`: a read repeated and compared. */
export type ShadowTaskKind = 'copy' | 'compare';

/** Asked before a task is admitted (shedding under load, shadow-load-guard.ts). */
export interface ShadowAdmission {
  admits(kind: ShadowTaskKind): boolean;
}

export interface ShadowExecutorOptions {
  readonly maxPending: number;
  readonly maxConcurrency: number;
  readonly taskTimeoutMs: number;
  readonly maxAbandoned: number;
  /** Asked before admitting a task (shedding under load); absent: always admits. */
  readonly admission?: ShadowAdmission;
  readonly onDrop: (queue: string, reason: ShadowDropReason, kind: ShadowTaskKind) => void;
  readonly logger: Pick<Logger, 'debug'>;
}

interface Task {
  readonly queue: string;
  readonly kind: ShadowTaskKind;
  readonly work: () => Promise<void>;
  /** Counted as dropped already (timed out, or still running when close gave up). */
  dropped?: boolean;
}

export class ShadowExecutor {
  private readonly waiting: Task[] = [];
  private readonly running = new Map<Promise<void>, Task>();
  private abandoned = 0;
  private pumpScheduled = false;
  private closed = false;

  constructor(private readonly options: ShadowExecutorOptions) {}

  /** Queues `work` for `queue`; false (and counted) when it was dropped. Never throws. */
  submit(queue: string, work: () => Promise<void>, kind: ShadowTaskKind = 'compare'): boolean {
    const refusal = this.refusal(kind);
    if (refusal !== undefined) {
      this.drop(queue, refusal, kind);
      return false;
    }
    this.waiting.push({ queue, kind, work });
    this.schedulePump();
    return true;
  }

  /** Tasks waiting or running (the pending gauge). */
  pending(): number {
    return this.waiting.length + this.running.size;
  }

  /** Tasks timed out whose calls are still outstanding. */
  abandonedTasks(): number {
    return this.abandoned;
  }

  /** Drops what waits, waits for what runs up to `graceMs`, drops the rest. Idempotent. */
  async close(graceMs: number): Promise<void> {
    this.closed = true;
    for (const task of this.waiting.splice(0)) this.drop(task.queue, 'closing', task.kind);
    if (this.running.size === 0) return;
    await settleWithin(Promise.all([...this.running.keys()]), graceMs);
    for (const task of this.running.values()) this.dropOnce(task, 'closing');
  }

  private refusal(kind: ShadowTaskKind): ShadowDropReason | undefined {
    if (this.closed) return 'closing';
    if (this.abandoned >= this.options.maxAbandoned) return 'overloaded';
    if (this.pending() >= this.options.maxPending) return 'queue_full';
    if (this.options.admission?.admits(kind) === false) return 'overloaded';
    return undefined;
  }

  private drop(queue: string, reason: ShadowDropReason, kind: ShadowTaskKind): void {
    try {
      this.options.onDrop(queue, reason, kind);
    } catch (err) {
      this.options.logger.debug({ err }, 'shadow drop observer failed');
    }
  }

  private dropOnce(task: Task, reason: ShadowDropReason): void {
    if (task.dropped === true) return;
    task.dropped = true;
    this.drop(task.queue, reason, task.kind);
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.options.maxConcurrency) {
      const task = this.waiting.shift();
      if (task === undefined) return;
      const run = this.start(task);
      this.running.set(run, task);
      const settled = (): void => {
        this.running.delete(run);
        this.pump();
      };
      run.then(settled, settled);
    }
  }

  /** Resolves when the task settled or timed out (then it is abandoned until it settles). */
  private start(task: Task): Promise<void> {
    const work = safely(task.work, this.options.logger);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.taskTimeoutMs);
    });
    return Promise.race([work.then(() => 'done' as const), timedOut]).then((outcome) => {
      clearTimeout(timer);
      if (outcome === 'done') return;
      this.dropOnce(task, this.closed ? 'closing' : 'timeout');
      this.abandoned += 1;
      const released = (): void => {
        this.abandoned -= 1;
      };
      work.then(released, released);
    });
  }
}

/** The work's promise, never rejecting (a synchronous throw included). */
function safely(work: () => Promise<void>, logger: Pick<Logger, 'debug'>): Promise<void> {
  let promise: Promise<void>;
  try {
    promise = work();
  } catch (err) {
    promise = Promise.reject(err);
  }
  return promise.catch((err: unknown) => {
    logger.debug({ err }, 'shadow task failed');
  });
}
