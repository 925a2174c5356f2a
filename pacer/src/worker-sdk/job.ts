/**
 * What a job handler receives and returns (the worker SDK's contract with user code).
 *
 * A `Job` is one dequeued PinLater job: its descriptor, body and attempt counts as the dequeue
 * reply carried them (`PinLaterDequeueResponse`: body and `PinLaterDequeueMetadata`), plus what the
 * handler may do while it runs: set the status sent with its ack, checkpoint it, and watch `signal`.
 *
 * The dequeue reply carries no custom status, so `customStatus` starts empty: it is the text this
 * run reports, sent with the ack as `appendCustomStatus` (MySQL and Pacer append it to the stored
 * status, legacy Redis overwrites it; FACTS §11.7). When the handler fails and leaves it empty, the
 * error's message is sent instead.
 */

export interface CheckpointOptions {
  /** Replaces the job's body (a Thrift string: UTF-8 text). */
  readonly newBody?: string;
  /** Prepended to the stored custom status. */
  readonly prependCustomStatus?: string;
}

export interface Job {
  readonly queue: string;
  readonly descriptor: string;
  readonly body: Buffer;
  /** `PinLaterDequeueMetadata.attemptsAllowed` (1 when the server sent none). */
  readonly attemptsAllowed: number;
  /** Attempts left including this one: claiming does not consume one, a failure does (FACTS §3.6). */
  readonly attemptsRemaining: number;
  /** Which run this is, from 1: `attemptsAllowed - attemptsRemaining + 1`. */
  readonly attempt: number;
  /** Status text sent with this job's ack; see the file header. */
  customStatus: string;
  /**
   * Aborted when the worker gives the job up: its shutdown deadline passed while the handler was
   * still running, and the job was handed back to PENDING (another worker will run it). A handler
   * that can stop early should.
   */
  readonly signal: AbortSignal;
  /**
   * A checkpoint now (PinLater checkpointJobs with this job's descriptor): extends the claim like
   * the automatic heartbeat does, optionally saving progress in the body or the status.
   */
  checkpoint(options?: CheckpointOptions): Promise<void>;
}

/**
 * Runs one job. Resolving acks it succeeded; throwing acks it failed: PinLater retries it while
 * attempts remain, after the delay a `RetryableJobError` names or the worker's backoff; a
 * `NonRetryableJobError` fails it for good (job-errors.ts).
 */
export type JobHandler = (job: Job) => Promise<void> | void;
