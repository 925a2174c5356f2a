/** One queue's dequeue limiter (smooth-bursty-limiter.ts, or ALLOW_NONE for a paused queue). */
export interface QueueLimiter {
  /** Per-server (per-gateway) permits per second; 0 for ALLOW_NONE. */
  readonly rate: number;
  tryAcquire(permits: number): boolean;
}

/** rate <= 0 pauses the queue: every dequeue is refused (PinLater's QueueRateLimiter.ALLOW_NONE). */
export const ALLOW_NONE: QueueLimiter = { rate: 0, tryAcquire: () => false };
