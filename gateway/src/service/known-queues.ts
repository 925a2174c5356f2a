import type { PinLaterBackend } from '../../../core/src/interfaces/pinlater-backend';
import type { Logger } from '../../../core/src/logging/logger';
import { runDetached } from '../../../core/src/util/run-detached';

/**
 * The queues that exist, as far as this gateway knows: the backend's queue list, read at start and
 * every `refreshMs`, plus what createQueue/deleteQueue through this gateway changed since. Only
 * these queues get stat series of their own (`Stats.queueSeries`); a queue created through another
 * gateway is admitted at the next refresh. A failed refresh keeps the previous list.
 */
export class KnownQueues {
  private names = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  /** Changes made through this gateway while a read is in flight, re-applied over its result. */
  private changedDuringRead: Map<string, boolean> | undefined;

  constructor(
    private readonly backend: Pick<PinLaterBackend, 'getQueueNames'>,
    private readonly refreshMs: number,
    private readonly logger: Logger,
  ) {}

  has(queue: string): boolean {
    return this.names.has(queue);
  }

  get size(): number {
    return this.names.size;
  }

  /** The first `limit` known queues, in name order (a stable, bounded sample). */
  first(limit: number): string[] {
    return [...this.names].sort().slice(0, limit);
  }

  add(queue: string): void {
    this.names.add(queue);
    this.changedDuringRead?.set(queue, true);
  }

  delete(queue: string): void {
    this.names.delete(queue);
    this.changedDuringRead?.set(queue, false);
  }

  /** First read, then the periodic refresh. Never rejects (an unreachable store is logged). */
  async start(): Promise<void> {
    await this.refresh();
    if (this.refreshMs > 0 && this.timer === undefined) {
      this.timer = setInterval(() => runDetached('queue list refresh from its timer', this.refresh(), this.logger), this.refreshMs);
      this.timer.unref();
    }
  }

  /** One read of the backend's queue list; concurrent calls share it. */
  refresh(): Promise<void> {
    this.refreshing ??= this.readOnce().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async readOnce(): Promise<void> {
    const changes = new Map<string, boolean>();
    this.changedDuringRead = changes;
    try {
      const names = await this.backend.getQueueNames();
      for (const [queue, exists] of changes) {
        if (exists) names.add(queue);
        else names.delete(queue);
      }
      this.names = names;
    } catch (e) {
      this.logger.warn({ err: e }, 'could not refresh the queue list; keeping the previous one');
    } finally {
      this.changedDuringRead = undefined;
    }
  }

  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.refreshing;
  }
}
