import { performance } from 'node:perf_hooks';

/**
 * A one-shot deadline that can be paused and resumed with the time it had left: the frame
 * deadline stops while a connection waits for budget, because that wait is the server's doing,
 * not the client's. Uses the monotonic clock (a wall-clock step must not expire or extend it).
 */
export class PausableDeadline {
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private leftMs = 0;
  private state: 'idle' | 'running' | 'paused' = 'idle';

  constructor(
    private readonly durationMs: number,
    private readonly onExpire: () => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Starts over with the full duration. */
  start(): void {
    this.clear();
    this.run(this.durationMs);
  }

  pause(): void {
    if (this.state !== 'running') return;
    clearTimeout(this.timer);
    this.leftMs = Math.max(0, this.leftMs - (this.now() - this.startedAt));
    this.state = 'paused';
  }

  resume(): void {
    if (this.state === 'paused') this.run(this.leftMs);
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.state = 'idle';
  }

  get running(): boolean {
    return this.state === 'running';
  }

  get paused(): boolean {
    return this.state === 'paused';
  }

  private run(ms: number): void {
    this.leftMs = ms;
    this.startedAt = this.now();
    this.state = 'running';
    this.timer = setTimeout(() => {
      this.state = 'idle';
      this.timer = undefined;
      this.onExpire();
    }, ms);
  }
}
