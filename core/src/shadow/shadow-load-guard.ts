/**
 * Shedding under load (issue 13): the shadow executor admits a new task only while this process's
 * event loop is not busier than the task kind's limit (event-loop-load.ts) and, when
 * `maxTasksPerSecond` is set, while the token bucket has a token (token-bucket.ts). A refused task
 * is dropped as `overloaded` and counted, so at saturation the shadow work steps aside and the
 * primary keeps the CPU.
 *
 * Compare tasks (reads repeated on both sides) are shed first, above `maxEventLoopUtilization`;
 * copy tasks (enqueue copies, the drainer's mirrors) only above `copyMaxEventLoopUtilization`
 * (the higher one): shedding reads usually brings the load back down, and a shed copy makes the
 * queue's whole-queue comparisons `ignored` for the rest of its shadow session
 * (shadow-statistics.ts). The token bucket counts both kinds.
 */
import type { Clock } from '../util/clock';
import { EventLoopLoad, type LoadSignal } from './event-loop-load';
import type { ShadowAdmission, ShadowTaskKind } from './shadow-executor';
import type { ShadowSettings } from './shadow-settings';
import { TokenBucket } from './token-bucket';

export type ShadowLoadLimits = Pick<ShadowSettings, 'maxEventLoopUtilization' | 'copyMaxEventLoopUtilization' | 'maxTasksPerSecond'>;

export class ShadowLoadGuard implements ShadowAdmission {
  private readonly bucket: TokenBucket | undefined;

  constructor(private readonly limits: ShadowLoadLimits, private readonly load: LoadSignal, clock: Clock) {
    this.bucket = limits.maxTasksPerSecond > 0 ? new TokenBucket(limits.maxTasksPerSecond, clock) : undefined;
  }

  admits(kind: ShadowTaskKind): boolean {
    const limit = kind === 'copy' ? Math.max(this.limits.copyMaxEventLoopUtilization, this.limits.maxEventLoopUtilization) : this.limits.maxEventLoopUtilization;
    if (this.load.utilization() > limit) return false;
    return this.bucket === undefined || this.bucket.take();
  }
}

/** The guard over this process's event loop, from the settings; `close` stops its sampling timer. */
export function processLoadGuard(settings: ShadowSettings, clock: Clock): { guard: ShadowLoadGuard; close: () => void } {
  const load = new EventLoopLoad(settings.loadWindowMs);
  return { guard: new ShadowLoadGuard(settings, load, clock), close: () => load.close() };
}
