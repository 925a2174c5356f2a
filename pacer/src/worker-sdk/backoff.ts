/**
 * The worker's waits, one rule for all three (worker-options.ts names their bounds):
 *
 * - a failed job's retry delay, when the handler did not choose one: the n-th failure of the job
 *   (n = attempts already consumed, from PinLater's attempt counts) waits `backoffDelayMs(retry, n)`;
 * - the wait after an empty or rate-limited dequeue, n = such dequeues in a row;
 * - the wait before reconnecting to the gateway, n = failed calls in a row.
 *
 * Exponential with "equal jitter": the ceiling doubles from `initialDelayMs` per step up to
 * `maxDelayMs`, and the wait is drawn uniformly from its upper half, [ceiling/2, ceiling). So
 * waits grow with n (never below half the ceiling), while workers that failed together (every
 * worker of a restarted gateway, every job of a failed batch) do not come back in step.
 */
export interface Backoff {
  /** The first ceiling (n = 0). */
  readonly initialDelayMs: number;
  /** The ceiling never grows beyond this. */
  readonly maxDelayMs: number;
}

/** The ceiling of step `n` (0-based): min(max, initial · 2^n). */
export function backoffCeilingMs(backoff: Backoff, n: number): number {
  const step = Math.max(0, Math.floor(n));
  return Math.min(backoff.maxDelayMs, backoff.initialDelayMs * 2 ** Math.min(step, 52));
}

/** The wait of step `n`: uniform in [ceiling/2, ceiling), whole milliseconds. */
export function backoffDelayMs(backoff: Backoff, n: number, random: () => number = Math.random): number {
  const ceiling = backoffCeilingMs(backoff, n);
  return Math.floor(ceiling / 2 + (ceiling / 2) * Math.min(Math.max(random(), 0), 1 - Number.EPSILON));
}
