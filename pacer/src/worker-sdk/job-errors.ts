/**
 * Errors a job handler throws to choose what happens to a failed job (anything else thrown is an
 * ordinary failure: retried after the worker's exponential backoff while attempts remain):
 *
 * - `RetryableJobError`: retry after `retryDelayMs` (the handler's choice: a rate limit's
 *   Retry-After, a dependency's maintenance window), still within the job's attempts.
 * - `NonRetryableJobError`: do not retry; the job ends FAILED whatever attempts it has left.
 *
 * Recognised by a brand (a global symbol), not `instanceof`, so an error made by another copy of
 * the SDK (two versions in one dependency tree) still counts.
 */
const RETRYABLE = Symbol.for('pinlater.worker-sdk.RetryableJobError');
const NON_RETRYABLE = Symbol.for('pinlater.worker-sdk.NonRetryableJobError');

export class RetryableJobError extends Error {
  readonly [RETRYABLE] = true;

  constructor(message: string, readonly retryDelayMs: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetryableJobError';
    if (!Number.isFinite(retryDelayMs) || retryDelayMs < 0) throw new RangeError(`RetryableJobError: retryDelayMs must be a finite number >= 0, got ${retryDelayMs}`);
  }
}

export class NonRetryableJobError extends Error {
  readonly [NON_RETRYABLE] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NonRetryableJobError';
  }
}

/** The handler's retry delay when `error` is a RetryableJobError (of any copy of the SDK). */
export function requestedRetryDelayMs(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !(RETRYABLE in error)) return undefined;
  const delay = (error as { retryDelayMs?: unknown }).retryDelayMs;
  return typeof delay === 'number' && Number.isFinite(delay) && delay >= 0 ? delay : undefined;
}

export function isNonRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && NON_RETRYABLE in error;
}
