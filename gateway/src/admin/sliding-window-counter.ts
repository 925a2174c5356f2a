/**
 * Per-key event counts over a sliding time window (the admin port's `/backlog` reads the jobs
 * dequeued per queue over the last 60 s from it, dequeue-rate-stats.ts feeds it).
 *
 * - Each key has a ring of `windowMs / bucketMs` buckets, each stamped with the bucket number it
 *   holds (time ÷ bucketMs), so a bucket left from an earlier lap is recognised as stale and never
 *   summed; nothing runs on a timer.
 * - The window is the current bucket and the ones before it: `windowMs` long to within one bucket.
 * - At most `maxKeys` keys: adding a new key beyond that forgets the key added to least recently,
 *   so memory stays fixed whatever names are counted (a forgotten key counts 0).
 */
import type { Clock } from '../../../core/src/util/clock';

export interface SlidingWindowOptions {
  readonly windowMs: number;
  /** Width of one bucket (> 0); `windowMs` should be a multiple of it. */
  readonly bucketMs: number;
  /** At least 1. */
  readonly maxKeys: number;
  readonly clock: Clock;
}

interface Ring {
  readonly counts: Float64Array;
  /** The bucket number each slot holds (NaN: never written). */
  readonly stamps: Float64Array;
}

export class SlidingWindowCounter {
  private readonly slots: number;
  private readonly rings = new Map<string, Ring>();

  constructor(private readonly options: SlidingWindowOptions) {
    this.slots = Math.max(1, Math.round(options.windowMs / options.bucketMs));
  }

  /** Counts `n` events of `key` now (n ≤ 0 is ignored). */
  add(key: string, n = 1): void {
    if (!(n > 0)) return;
    const bucket = this.bucketNow();
    const ring = this.touch(key);
    const slot = bucket % this.slots;
    if (ring.stamps[slot] !== bucket) {
      ring.stamps[slot] = bucket;
      ring.counts[slot] = 0;
    }
    ring.counts[slot] = (ring.counts[slot] ?? 0) + n;
  }

  /** The events of `key` within the window ending now. */
  total(key: string): number {
    const ring = this.rings.get(key);
    if (ring === undefined) return 0;
    const oldest = this.bucketNow() - this.slots;
    let sum = 0;
    for (let i = 0; i < this.slots; i++) {
      if ((ring.stamps[i] ?? Number.NaN) > oldest) sum += ring.counts[i] ?? 0;
    }
    return sum;
  }

  /** `total(key)` per second of the window. */
  perSecond(key: string): number {
    return this.total(key) / (this.options.windowMs / 1000);
  }

  /** Keys held now (at most maxKeys). */
  get size(): number {
    return this.rings.size;
  }

  private bucketNow(): number {
    return Math.floor(this.options.clock.nowMs() / this.options.bucketMs);
  }

  /** The key's ring, now the most recently used; a new key may evict the least recently used one. */
  private touch(key: string): Ring {
    const existing = this.rings.get(key);
    if (existing !== undefined) {
      this.rings.delete(key);
      this.rings.set(key, existing);
      return existing;
    }
    if (this.rings.size >= Math.max(1, this.options.maxKeys)) {
      const oldest = this.rings.keys().next();
      if (oldest.done !== true) this.rings.delete(oldest.value);
    }
    const ring: Ring = { counts: new Float64Array(this.slots), stamps: new Float64Array(this.slots).fill(Number.NaN) };
    this.rings.set(key, ring);
    return ring;
  }
}
