/**
 * Where the shadow engine reports what it does, for metrics (the gateway implements it with the
 * `pinlater.shadow.*` instruments, gateway/src/telemetry/shadow-instruments.ts). `queue` is the
 * raw queue name: the implementation bounds it (Stats.queueSeries). Calls must be cheap and must
 * not throw.
 */
import type { ShadowDropReason } from './shadow-executor';
import type { ShadowMethod } from './shadow-report';
import type { ComparisonResult } from './shadow-statistics';

export type ShadowSide = 'primary' | 'candidate' | 'secondary';

export interface ShadowObserver {
  compared(queue: string, method: ShadowMethod, result: ComparisonResult): void;
  /** The primary against itself (the secondary read): matched or not. */
  noiseCompared(queue: string, method: ShadowMethod, matched: boolean): void;
  fieldDiffered(queue: string, method: ShadowMethod, field: string, comparison: 'raw' | 'noise'): void;
  sideTimed(queue: string, method: ShadowMethod, side: ShadowSide, seconds: number): void;
  dropped(queue: string, reason: ShadowDropReason): void;
  copied(queue: string, jobs: number): void;
  drained(queue: string, result: 'succeeded' | 'failed', jobs: number): void;
}

/** Reports nothing (no telemetry). */
export const NO_SHADOW_OBSERVER: ShadowObserver = {
  compared: () => undefined,
  noiseCompared: () => undefined,
  fieldDiffered: () => undefined,
  sideTimed: () => undefined,
  dropped: () => undefined,
  copied: () => undefined,
  drained: () => undefined,
};
