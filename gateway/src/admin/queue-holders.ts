/**
 * Which systems list a queue (getQueueNames), for `/backlog`: a queue its systems do not list is
 * not found, since the counts of a missing queue mean nothing (Redis answers 0, MySQL and Pacer
 * fail). Bounded whatever names are asked for:
 *
 * - every system's list is read at most every 30 s (core/src/routing/queue-index.ts), all systems
 *   at once, concurrent askers sharing the read;
 * - a queue no candidate system lists is looked up again in lists read after it was asked for:
 *   they are re-read at once when the last read started a second ago or more, else once that
 *   second is over (the caller waits, at most 1 s; askers meanwhile share that one read), so made-up
 *   names cost at most one round of list reads per second and a queue created a moment ago is
 *   still found;
 * - a system whose list cannot be read keeps its previous list; while a candidate system's list
 *   failed, a queue not found on the others is answered with that failure (it may be there),
 *   not as missing; when every list fails, the failure is answered again for a second without
 *   reading (an outage is not hammered).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { QueueNotFoundError } from '../../../core/src/errors/pinlater-error';
import type { PinLaterBackend } from '../../../core/src/interfaces/pinlater-backend';
import { QueueIndex } from '../../../core/src/routing/queue-index';
import type { Clock } from '../../../core/src/util/clock';
import { renderUntrusted } from '../../../core/src/util/render-untrusted';

/** Lists re-read when older than this. */
const MAX_AGE_MS = 30_000;
/** A queue not found re-reads the lists at most this often. */
const MISS_REFRESH_MS = 1000;

export interface QueueHoldersOptions {
  /** Every system by name. */
  readonly systems: ReadonlyMap<string, PinLaterBackend>;
  /** Names no client may see as queues (a routing gateway's shadow copies); default none. */
  readonly hidden?: (queue: string) => boolean;
  readonly clock: Clock;
  /** The pause before re-reading lists for a queue not found (default: a timer that does not hold the process). */
  readonly sleep?: (ms: number) => Promise<void>;
}

export class QueueHolders {
  private readonly index: QueueIndex;
  private readonly lists = new Map<string, ReadonlySet<string>>();
  /** Systems whose last list read failed, with the failure. */
  private readonly failures = new Map<string, unknown>();
  /** When the last read started (whatever its outcome). */
  private readAtMs = Number.NEGATIVE_INFINITY;
  /** Set while the last read failed for every system. */
  private allFailed: unknown;

  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: QueueHoldersOptions) {
    this.sleep = options.sleep ?? ((ms) => sleep(ms, undefined, { ref: false }));
    // Misses are handled here (listedOn), so the index itself never re-reads on one.
    this.index = new QueueIndex(() => this.readAll(), options.clock, { maxAgeMs: MAX_AGE_MS, missRefreshMs: Number.POSITIVE_INFINITY });
  }

  /**
   * The systems among `candidates` that list `queue` (at least one). Throws QUEUE_NOT_FOUND when
   * none does, or the list failure of a candidate system whose list could not be read.
   */
  async listedOn(queue: string, candidates: readonly string[]): Promise<string[]> {
    const askedAtMs = this.options.clock.nowMs();
    let holders = await this.holders(queue, candidates);
    if (holders.length === 0) {
      const waitMs = this.readAtMs + MISS_REFRESH_MS - this.options.clock.nowMs();
      if (waitMs > 0) await this.sleep(waitMs);
      // The first asker after the pause starts the read; the others join it (the index is invalidated until it ends).
      if (this.readAtMs < askedAtMs || this.options.clock.nowMs() - this.readAtMs >= MISS_REFRESH_MS) this.index.invalidate();
      holders = await this.holders(queue, candidates);
    }
    if (holders.length > 0) return holders;
    const failed = candidates.find((c) => this.failures.has(c));
    if (failed !== undefined) throw this.failures.get(failed);
    throw new QueueNotFoundError(`Queue not found: ${renderUntrusted(queue)}`);
  }

  private async holders(queue: string, candidates: readonly string[]): Promise<string[]> {
    return (await this.index.holdersOf(queue)).filter((s) => candidates.includes(s));
  }

  /** Every system's list, read in parallel; a failed system keeps its previous one. */
  private async readAll(): Promise<Map<string, ReadonlySet<string>>> {
    const now = this.options.clock.nowMs();
    if (this.allFailed !== undefined && now - this.readAtMs < MISS_REFRESH_MS) throw this.allFailed;
    this.readAtMs = now;
    const systems = [...this.options.systems];
    const results = await Promise.allSettled(systems.map(([, backend]) => backend.getQueueNames()));
    results.forEach((result, i) => {
      const name = systems[i]?.[0] ?? '';
      if (result.status === 'fulfilled') {
        const hidden = this.options.hidden;
        this.lists.set(name, hidden === undefined ? result.value : new Set([...result.value].filter((q) => !hidden(q))));
        this.failures.delete(name);
      } else {
        this.failures.set(name, result.reason);
      }
    });
    const firstFailure = results.find((r) => r.status === 'rejected');
    this.allFailed = firstFailure !== undefined && results.every((r) => r.status === 'rejected') ? firstFailure.reason : undefined;
    if (this.allFailed !== undefined) throw this.allFailed;
    return new Map(this.lists);
  }
}
