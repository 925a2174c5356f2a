/**
 * One job's run: builds the `Job` the handler sees (job.ts), runs the handler, and turns how it
 * ended into an outcome the worker acks (worker.ts):
 *
 * - resolved: succeeded;
 * - threw a `NonRetryableJobError`: failed for good (`exhaust` when attempts remain: the worker
 *   first sets the job's attempts to 1 so that the failed ack ends it FAILED; PinLater's ack has no
 *   "do not retry");
 * - threw anything else: failed, with the handler's `retryDelayMs` (RetryableJobError) or the
 *   worker's backoff for the n-th failure (n = attempts consumed so far; backoff.ts); PinLater runs
 *   it again after that delay if attempts remain (`retry`), else it ends FAILED.
 *
 * `release()` gives the job up while its handler still runs (shutdown deadline): its signal aborts
 * and, whenever the handler ends, nothing is acked (the worker hands the job back to PENDING).
 */
import { coerceError } from '../../../core/src/errors/coerce-error';
import { backoffDelayMs, type Backoff } from './backoff';
import type { CheckpointOptions, Job, JobHandler } from './job';
import { isNonRetryable, requestedRetryDelayMs } from './job-errors';
import type { JobResult } from './worker-counters';

/** Longest status text the worker sends for a failure it describes itself (legacy Redis keeps 3000). */
const MAX_ERROR_STATUS = 1000;

export type JobOutcome =
  | { readonly kind: 'succeeded'; readonly customStatus: string; readonly handlerMs: number }
  | {
    readonly kind: 'failed';
    readonly error: Error;
    readonly customStatus: string;
    readonly retryDelayMs: number;
    /** PinLater will run it again (attempts remain and the error allows it). */
    readonly retry: boolean;
    /** Non-retryable with attempts left: the worker uses them up before the failed ack. */
    readonly exhaust: boolean;
    readonly handlerMs: number;
  };

export interface JobExecutionInit {
  readonly queue: string;
  readonly descriptor: string;
  readonly body: Buffer;
  readonly attemptsAllowed: number | null;
  readonly attemptsRemaining: number | null;
  readonly checkpoint: (descriptor: string, options: CheckpointOptions) => Promise<void>;
  readonly nowMs: () => number;
}

export class JobExecution {
  readonly job: Job;
  private readonly abort = new AbortController();
  private settled = false;
  private givenUp = false;

  constructor(private readonly init: JobExecutionInit) {
    const attemptsAllowed = init.attemptsAllowed ?? init.attemptsRemaining ?? 1;
    const attemptsRemaining = init.attemptsRemaining ?? attemptsAllowed;
    const execution = this;
    this.job = {
      queue: init.queue,
      descriptor: init.descriptor,
      body: init.body,
      attemptsAllowed,
      attemptsRemaining,
      attempt: Math.max(1, attemptsAllowed - attemptsRemaining + 1),
      customStatus: '',
      signal: this.abort.signal,
      checkpoint(options: CheckpointOptions = {}): Promise<void> {
        if (execution.settled || execution.givenUp) return Promise.reject(new Error(`job ${init.descriptor}: checkpoint() after the job ended`));
        return init.checkpoint(init.descriptor, options);
      },
    };
  }

  /** The handler has ended (or the job was released): no more checkpoints from it. */
  get finished(): boolean {
    return this.settled;
  }

  get released(): boolean {
    return this.givenUp;
  }

  /** Runs the handler once; never rejects. */
  async run(handler: JobHandler, retryBackoff: Backoff, random: () => number): Promise<JobOutcome> {
    const started = this.init.nowMs();
    try {
      await handler(this.job);
      this.settled = true;
      return { kind: 'succeeded', customStatus: this.job.customStatus, handlerMs: this.init.nowMs() - started };
    } catch (e) {
      this.settled = true;
      return this.failure(coerceError(e), retryBackoff, random, this.init.nowMs() - started);
    }
  }

  /** Gives the job up if its handler still runs (aborting its signal); false when it already ended. */
  release(): boolean {
    if (this.settled) return false;
    this.givenUp = true;
    this.abort.abort(new Error('the worker gave the job up at its shutdown deadline; it was handed back to PENDING'));
    return true;
  }

  private failure(error: Error, retryBackoff: Backoff, random: () => number, handlerMs: number): JobOutcome {
    const nonRetryable = isNonRetryable(error);
    const retryDelayMs = requestedRetryDelayMs(error) ?? backoffDelayMs(retryBackoff, this.job.attempt - 1, random);
    const attemptsLeft = this.job.attemptsRemaining > 1;
    const customStatus = this.job.customStatus !== '' ? this.job.customStatus : `${error.name}: ${error.message}`.slice(0, MAX_ERROR_STATUS);
    return { kind: 'failed', error, customStatus, retryDelayMs, retry: attemptsLeft && !nonRetryable, exhaust: attemptsLeft && nonRetryable, handlerMs };
  }
}

/** The counted result of an outcome. */
export function resultOf(outcome: JobOutcome): JobResult {
  if (outcome.kind === 'succeeded') return 'succeeded';
  return outcome.retry ? 'retried' : 'failed';
}
