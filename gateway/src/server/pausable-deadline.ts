import { performance } from 'node:perf_hooks';

/**
 * A one-shot deadline that can be paused and resumed with the time it had left: the frame
 * deadline stops while a connection waits for budget, because that wait is the server's doing,
 * not the client's. Uses the monotonic clock (a wall-clock step must not expire or extend it).
 *
 * Cheap to restart: a connection starts and clears its idle deadline around every request, so
 * `start()` and `clear()` only move the expiry; the one timer behind it is re-armed only when it
 * would fire too late, and when it fires before the current expiry (the deadline was restarted
 * since it was armed) it re-arms itself for the rest. A cleared deadline's timer lingers until it
 * would have fired (or `dispose()`), then does nothing.
 */
export class PausableDeadline {
  private timer: NodeJS.Timeout | undefined;
  /** The expiry the armed timer was set for (clock ms). */
  private timerFor = 0;
  /** While running: when it expires (clock ms). */
  private expiresAt = 0;
  /** While paused: the time it had left. */
  private leftMs = 0;
  private state: 'idle' | 'running' | 'paused' = 'idle';

  constructor(
    private readonly durationMs: number,
    private readonly onExpire: () => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Starts over with the full duration. */
  start(): void {
    this.run(this.durationMs);
  }

  pause(): void {
    if (this.state !== 'running') return;
    this.leftMs = Math.max(0, this.expiresAt - this.now());
    this.state = 'paused';
    this.disarm();
  }

  resume(): void {
    if (this.state === 'paused') this.run(this.leftMs);
  }

  clear(): void {
    this.state = 'idle';
  }

  /** `clear()`, and the timer is released now (its owner is gone). */
  dispose(): void {
    this.state = 'idle';
    this.disarm();
  }

  get running(): boolean {
    return this.state === 'running';
  }

  get paused(): boolean {
    return this.state === 'paused';
  }

  private run(ms: number): void {
    this.expiresAt = this.now() + ms;
    this.state = 'running';
    if (this.timer === undefined || this.timerFor > this.expiresAt) this.arm(ms);
  }

  private arm(ms: number): void {
    clearTimeout(this.timer);
    this.timerFor = this.expiresAt;
    this.timer = setTimeout(() => this.fired(), ms);
  }

  private fired(): void {
    this.timer = undefined;
    if (this.state !== 'running') return;
    // Restarted since the timer was armed: wait for the rest (clock units, so a clock that does
    // not move between arming and firing never re-arms for ever).
    if (this.expiresAt > this.timerFor) {
      this.arm(this.expiresAt - this.timerFor);
      return;
    }
    this.state = 'idle';
    this.onExpire();
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
