/**
 * A small cache of answers that are costly to compute (the admin port's `/backlog`: three counts
 * per queue on a backend), bounding what many pollers can cost:
 *
 * - **fresh for `ttlMs`**: an answer is reused until `ttlMs` after it settled (a failed load too,
 *   so pollers cannot hammer a backend that is failing);
 * - **coalesced**: callers asking for a key whose load is in flight wait for that same load;
 * - **bounded**: at most `maxKeys` keys; making room forgets the least recently used one (its
 *   waiters still get their answer; the next caller loads again).
 *
 * No timers: expiry is judged when a key is asked for.
 */
import type { Clock } from '../../../core/src/util/clock';

export interface CoalescingCacheOptions {
  readonly ttlMs: number;
  /** At least 1. */
  readonly maxKeys: number;
  readonly clock: Clock;
}

/** One key's load: its answer, fresh until ttlMs after it settled (either way). */
class Entry<V> {
  /** Infinity while the load is in flight. */
  expiresAtMs = Number.POSITIVE_INFINITY;
  readonly answer: Promise<V>;

  constructor(load: () => Promise<V>, options: CoalescingCacheOptions) {
    this.answer = this.run(load, options);
  }

  private async run(load: () => Promise<V>, options: CoalescingCacheOptions): Promise<V> {
    try {
      return await load();
    } finally {
      this.expiresAtMs = options.clock.nowMs() + options.ttlMs;
    }
  }
}

export class CoalescingCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(private readonly options: CoalescingCacheOptions) {}

  /** The fresh or in-flight answer for `key`, else `load()`'s (which then is the key's answer). */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.expiresAtMs > this.options.clock.nowMs()) {
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.answer;
    }
    return this.start(key, load);
  }

  /** Keys held now (at most maxKeys). */
  get size(): number {
    return this.entries.size;
  }

  private start(key: string, load: () => Promise<V>): Promise<V> {
    this.entries.delete(key);
    while (this.entries.size >= Math.max(1, this.options.maxKeys)) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
    const entry = new Entry(load, this.options);
    this.entries.set(key, entry);
    return entry.answer;
  }
}
