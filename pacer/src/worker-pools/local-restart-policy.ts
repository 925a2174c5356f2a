/**
 * The local runtime's restart policy for one replica (a worker child process): what Kubernetes'
 * kubelet does for a container with `restartPolicy: Always`, so the runbook can describe both.
 *
 * - Every exit is restarted, whatever its code (a worker is meant to run until it is stopped).
 * - The wait before a restart doubles with each exit since the last stable run:
 *   initial, 2·initial, 4·initial, … up to `maxBackoffMs` (Kubernetes: 10 s doubling to 5 min).
 * - A run that lasts `stableAfterMs` resets that count (Kubernetes: 10 min).
 * - `crashLoopExits` exits within `crashLoopWindowMs` put the replica in `crash-looping`
 *   (Kubernetes' CrashLoopBackOff): it is still restarted, every `maxBackoffMs`, and stays
 *   `crash-looping`, alive or waiting, until one run lasts `stableAfterMs`.
 *
 * Pure: times are passed in (epoch ms), so the unit spec drives it without clocks or processes.
 */

export interface RestartPolicySettings {
  /** The wait before the first restart after a stable run. */
  readonly initialBackoffMs: number;
  /** The longest wait, and the wait of every restart while crash-looping. */
  readonly maxBackoffMs: number;
  /** Exits within `crashLoopWindowMs` that make a replica `crash-looping`. */
  readonly crashLoopExits: number;
  readonly crashLoopWindowMs: number;
  /** A run this long resets the backoff and ends `crash-looping`. */
  readonly stableAfterMs: number;
}

/** Defaults for a laptop: the kubelet's curve, shortened (Kubernetes waits 10 s → 5 min, resets after 10 min). */
export const DEFAULT_RESTART_POLICY: RestartPolicySettings = {
  initialBackoffMs: 1000,
  maxBackoffMs: 30_000,
  crashLoopExits: 5,
  crashLoopWindowMs: 60_000,
  stableAfterMs: 60_000,
};

/** What to do after an exit. */
export interface RestartDecision {
  /** Wait this long, then start the replica again. */
  readonly delayMs: number;
  /** Exits since the last stable run (this one included). */
  readonly consecutiveExits: number;
  /** Exits within the crash-loop window (this one included). */
  readonly exitsInWindow: number;
  readonly crashLooping: boolean;
  /** This exit is the one that made the replica crash-looping (log it loudly once). */
  readonly enteredCrashLoop: boolean;
}

/** The restart state of one replica. */
export class RestartTracker {
  private exitTimes: number[] = [];
  private consecutive = 0;
  private crashLooping = false;
  private startedAt: number | undefined;

  constructor(private readonly settings: RestartPolicySettings) {}

  /** The replica's process started at `now`. */
  started(now: number): void {
    this.startedAt = now;
  }

  /** The replica's process exited at `now`: when to start it again. */
  exited(now: number): RestartDecision {
    if (this.ranStably(now)) this.reset();
    this.startedAt = undefined;
    this.consecutive += 1;
    this.exitTimes = [...this.exitTimes.filter((t) => t > now - this.settings.crashLoopWindowMs), now];
    const wasLooping = this.crashLooping;
    if (this.exitTimes.length >= this.settings.crashLoopExits) this.crashLooping = true;
    return {
      delayMs: this.crashLooping ? this.settings.maxBackoffMs : this.backoffMs(this.consecutive),
      consecutiveExits: this.consecutive,
      exitsInWindow: this.exitTimes.length,
      crashLooping: this.crashLooping,
      enteredCrashLoop: this.crashLooping && !wasLooping,
    };
  }

  /** Crash-looping at `now`: a run that has lasted `stableAfterMs` ends it (and resets the backoff). */
  isCrashLooping(now: number): boolean {
    if (this.crashLooping && this.ranStably(now)) this.reset();
    return this.crashLooping;
  }

  /** Exits since the last stable run. */
  consecutiveExits(now: number): number {
    if (this.ranStably(now)) this.reset();
    return this.consecutive;
  }

  private backoffMs(consecutive: number): number {
    const doublings = Math.min(consecutive - 1, 30);
    return Math.min(this.settings.maxBackoffMs, this.settings.initialBackoffMs * 2 ** doublings);
  }

  private ranStably(now: number): boolean {
    return this.startedAt !== undefined && now - this.startedAt >= this.settings.stableAfterMs;
  }

  private reset(): void {
    this.consecutive = 0;
    this.crashLooping = false;
    this.exitTimes = [];
  }
}
