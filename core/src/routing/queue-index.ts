import type { Clock } from '../util/clock';

/**
 * Which systems hold which queues, for queues without a routing record (the day a routing gateway
 * is put in front of existing clusters). Built from every backend's getQueueNames; re-read when
 * older than `maxAgeMs`, or on a miss at most once per `missRefreshMs` (clients sending unknown
 * names must not turn into a getQueueNames storm on every cluster); concurrent re-reads coalesce.
 */
export class QueueIndex {
  private holders = new Map<string, string[]>();
  private readAtMs = Number.NEGATIVE_INFINITY;
  private reading: Promise<void> | undefined;

  constructor(
    /** System name (legacy cluster name, or `pacer`) → its queue names. */
    private readonly read: () => Promise<ReadonlyMap<string, ReadonlySet<string>>>,
    private readonly clock: Clock,
    private readonly options: { maxAgeMs: number; missRefreshMs: number; onRefresh?: () => void },
  ) {}

  /** The systems holding `queue` (empty: none). */
  async holdersOf(queue: string): Promise<readonly string[]> {
    const age = this.clock.nowMs() - this.readAtMs;
    if (age > this.options.maxAgeMs || (!this.holders.has(queue) && age > this.options.missRefreshMs)) await this.refresh();
    return this.holders.get(queue) ?? [];
  }

  /** Forgets everything (after this gateway created or deleted a queue). */
  invalidate(): void {
    this.readAtMs = Number.NEGATIVE_INFINITY;
  }

  private refresh(): Promise<void> {
    this.reading ??= this.readAll().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async readAll(): Promise<void> {
    const bySystem = await this.read();
    const holders = new Map<string, string[]>();
    for (const [system, queues] of bySystem) {
      for (const queue of queues) holders.set(queue, [...(holders.get(queue) ?? []), system]);
    }
    this.holders = holders;
    this.readAtMs = this.clock.nowMs();
    this.options.onRefresh?.();
  }
}
