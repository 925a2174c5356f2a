/**
 * The copier process's heart: finds the queues with an active migration (`queue_migrations`,
 * every `discoveryIntervalMs`), runs one `QueueCopier` per queue whose lease it gets (at most
 * `maxQueues` at once), and stops them all on `close()` (each finishes its batch first, then
 * releases its lease so another copier takes over at once).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { PinLaterBackend } from '../../../core/src/interfaces/pinlater-backend';
import { coerceError } from '../../../core/src/errors/coerce-error';
import { QueueCopier, isActive, type QueueCopierDeps, type RunEnd } from './queue-copier';

/** What every queue's copier shares (queue-copier.ts), with the legacy clusters by name. */
export interface CopierServiceDeps extends Omit<QueueCopierDeps, 'queue' | 'legacy' | 'sleep' | 'stopping'> {
  /** Legacy clusters by name (a migration row names its cluster). */
  readonly legacy: ReadonlyMap<string, PinLaterBackend>;
  /** Queues worked at once by this process. */
  readonly maxQueues: number;
}

/** After a run fails, the queue is tried again after this long. */
const RETRY_AFTER_ERROR_MS = 2_000;

export class CopierService {
  private readonly running = new Map<string, Promise<void>>();
  private readonly retryAt = new Map<string, number>();
  private stopping = false;
  private loop: Promise<void> | undefined;
  private readonly stopSignal = new AbortController();

  constructor(private readonly deps: CopierServiceDeps) {}

  start(): void {
    this.loop ??= this.discover();
  }

  /** Queues being worked right now. */
  activeQueues(): string[] {
    return [...this.running.keys()];
  }

  async close(): Promise<void> {
    this.stopping = true;
    this.stopSignal.abort();
    await this.loop;
    await Promise.allSettled([...this.running.values()]);
  }

  private async discover(): Promise<void> {
    while (!this.stopping) {
      try {
        const rows = await this.deps.states.list();
        const now = this.deps.clock.nowMs();
        for (const row of rows) {
          if (this.running.size >= this.deps.maxQueues) break;
          if (!isActive(row) || this.running.has(row.queue) || (this.retryAt.get(row.queue) ?? 0) > now) continue;
          if (row.leaseOwner !== null && row.leaseOwner !== this.deps.owner && row.leaseExpiresMs > now) continue;
          this.launch(row.queue, row.legacyCluster);
        }
      } catch (e) {
        this.deps.logger.warn({ err: coerceError(e) }, 'copier: cannot list migrations; trying again');
      }
      await this.sleep(this.deps.settings.discoveryIntervalMs);
    }
  }

  private launch(queue: string, legacyCluster: string): void {
    const legacy = this.deps.legacy.get(legacyCluster);
    if (legacy === undefined) {
      this.deps.logger.error({ queue, legacyCluster }, 'copier: the migration names a legacy cluster this copier does not know; skipped');
      this.retryAt.set(queue, this.deps.clock.nowMs() + 60_000);
      return;
    }
    const copier = new QueueCopier({
      ...this.deps, queue, legacy,
      logger: this.deps.logger.child({ queue }),
      sleep: (ms) => this.sleep(ms),
      stopping: () => this.stopping,
    });
    const run = copier.run().then(
      (end: RunEnd) => {
        this.deps.logger.info({ queue, end }, 'copier run ended');
        if (end === 'busy' || end === 'lost-lease') this.retryAt.set(queue, this.deps.clock.nowMs() + this.deps.settings.leaseTtlMs / 3);
      },
      (e: unknown) => {
        this.deps.logger.error({ queue, err: coerceError(e) }, 'copier run failed; the queue is tried again');
        this.retryAt.set(queue, this.deps.clock.nowMs() + RETRY_AFTER_ERROR_MS);
      },
    ).finally(() => {
      this.running.delete(queue);
      this.deps.instruments?.forget(queue);
    });
    this.running.set(queue, run);
  }

  /** Resolves after `ms`, or at once when the service stops. */
  private async sleep(ms: number): Promise<void> {
    if (this.stopping) return;
    try {
      await sleep(ms, undefined, { signal: this.stopSignal.signal });
    } catch {
      // aborted: the service is stopping
    }
  }
}
