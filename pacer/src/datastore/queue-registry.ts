import type { Pool } from 'mysql2/promise';
import type { Clock } from '../../../core/src/util/clock';
import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError, QueueNotFoundError } from '../../../core/src/errors/pinlater-error';
import { executeRetried, selectRows, type Row } from './mysql-pool';
import { mysqlErrorCode } from './mysql-errors';
import { sql } from './sql-loader';
import { MAX_QUEUE_NAME_LENGTH } from './tables';

/** A queue's registry entry. Partitions and priorities never change after creation. */
export interface QueueSettings {
  name: string;
  numPartitions: number;
  numPriorities: number;
  /** One partition, served in enqueue order (priority first). */
  fifo: boolean;
  /** Dequeue rate limit (jobs/s) for the service layer; `undefined` = unlimited, <= 0 = paused. */
  maxJobsPerSecond?: number;
  defaultAttemptsAllowed: number;
  createdAtMs: number;
}

export interface CreateQueueOptions {
  numPartitions?: number;
  fifo?: boolean;
  maxJobsPerSecond?: number;
  defaultAttemptsAllowed?: number;
}

export interface RegistryDefaults {
  numPartitions: number;
  numPriorities: number;
  /** How long a positive lookup is cached, ms (deleted queues are also fenced by the jobs FK). */
  cacheMs: number;
}

const DELETE_CHUNK = 5000;

/** The queue registry (`queues` + `partition_owners` rows), with a small read cache. */
export class QueueRegistry {
  private readonly cache = new Map<string, { settings: QueueSettings; atMs: number }>();

  constructor(
    private readonly pool: Pool,
    private readonly clock: Clock,
    private readonly defaults: RegistryDefaults,
  ) {}

  /** Creates the queue and its unowned partitions; an existing queue is left as it is. */
  async create(name: string, options: CreateQueueOptions = {}): Promise<QueueSettings> {
    if (name.length > MAX_QUEUE_NAME_LENGTH) throw tooLong(name);
    const numPartitions = options.fifo ? 1 : options.numPartitions ?? this.defaults.numPartitions;
    if (!Number.isInteger(numPartitions) || numPartitions < 1) {
      throw new PinLaterError(ErrorCode.UNKNOWN, `Invalid partition count: ${numPartitions}`);
    }
    const now = this.clock.nowMs();
    await executeRetried(this.pool, sql('queue-insert'), [
      name, numPartitions, this.defaults.numPriorities, options.fifo ? 1 : 0,
      options.maxJobsPerSecond ?? null, options.defaultAttemptsAllowed ?? 2, now,
    ]);
    const settings = await this.load(name);
    if (settings === undefined) throw new PinLaterError(ErrorCode.UNKNOWN, `Queue vanished while created: ${name}`);
    const rows = Array.from({ length: settings.numPartitions }, (_, p) => [name, p, now]);
    await executeRetried(this.pool, sql('partition-owners-insert'), [rows]);
    return settings;
  }

  /** The queue's settings, or `undefined` if it does not exist. */
  async get(name: string): Promise<QueueSettings | undefined> {
    const hit = this.cache.get(name);
    if (hit !== undefined && this.clock.nowMs() - hit.atMs < this.defaults.cacheMs) return hit.settings;
    return this.load(name);
  }

  /** The queue's settings; QUEUE_NOT_FOUND when absent (enqueue/dequeue/ack/checkpoint). */
  async require(name: string): Promise<QueueSettings> {
    const s = await this.get(name);
    if (s === undefined) throw new QueueNotFoundError(`Queue not found: ${name}`);
    return s;
  }

  /** The queue's settings; UNKNOWN when absent (lookup/count/scan/retry/delete, FACTS §11.15). */
  async requireForQuery(name: string): Promise<QueueSettings> {
    const s = await this.get(name);
    if (s === undefined) throw new PinLaterError(ErrorCode.UNKNOWN, `Queue not found: ${name}`);
    return s;
  }

  async list(): Promise<string[]> {
    const rows = await selectRows(this.pool, sql('queue-list'), []);
    return rows.map((r) => String(r.name));
  }

  /** Deletes the queue's jobs in chunks, then its partitions, its claim leases and their settled descriptors (chunks) and registry row. Absent → no-op. */
  async delete(name: string): Promise<void> {
    this.cache.delete(name);
    for (let attempt = 0; ; attempt += 1) {
      while ((await executeRetried(this.pool, sql('queue-delete-jobs'), [name, DELETE_CHUNK])).affectedRows > 0);
      try {
        await executeRetried(this.pool, sql('queue-delete-owners'), [name]);
        while ((await executeRetried(this.pool, sql('queue-delete-leases'), [name, DELETE_CHUNK])).affectedRows > 0);
        while ((await executeRetried(this.pool, sql('queue-delete-settled-descriptors'), [name, DELETE_CHUNK])).affectedRows > 0);
        await executeRetried(this.pool, sql('queue-delete'), [name]);
        return;
      } catch (e) {
        // A concurrent enqueue added jobs between the chunks and the registry row (FK 1451).
        if (attempt >= 5 || !isRowReferenced(e)) throw e;
      }
    }
  }

  invalidate(name: string): void {
    this.cache.delete(name);
  }

  private async load(name: string): Promise<QueueSettings | undefined> {
    const rows = await selectRows(this.pool, sql('queue-select'), [name]);
    const row = rows[0];
    if (row === undefined) {
      this.cache.delete(name);
      return undefined;
    }
    const settings = toSettings(row);
    this.cache.set(name, { settings, atMs: this.clock.nowMs() });
    return settings;
  }
}

function toSettings(row: Row): QueueSettings {
  const rate = row.max_jobs_per_second;
  return {
    name: String(row.name),
    numPartitions: Number(row.num_partitions),
    numPriorities: Number(row.num_priorities),
    fifo: Number(row.fifo) === 1,
    ...(rate === null || rate === undefined ? {} : { maxJobsPerSecond: Number(rate) }),
    defaultAttemptsAllowed: Number(row.default_attempts_allowed),
    createdAtMs: Number(row.created_at_ms),
  };
}

function tooLong(name: string): PinLaterError {
  const over = name.length - MAX_QUEUE_NAME_LENGTH;
  return new PinLaterError(
    ErrorCode.QUEUE_NAME_TOO_LONG,
    `Queue name is too long by ${over} characters. Pacer queue names are limited to ${MAX_QUEUE_NAME_LENGTH} characters.`,
  );
}

function isRowReferenced(e: unknown): boolean {
  const cause = (e as { cause?: unknown }).cause ?? e;
  return mysqlErrorCode(cause) === 'ER_ROW_IS_REFERENCED_2' || mysqlErrorCode(cause) === 'ER_ROW_IS_REFERENCED';
}
