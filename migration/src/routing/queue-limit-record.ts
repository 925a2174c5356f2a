/**
 * One queue's dequeue rate limit in ZooKeeper (`<root>/limits/<queue>`, routing-paths.ts): the
 * fleet-wide operator action that pauses a queue or caps its dequeue rate on every routing
 * gateway at once (docs/rate-limits.md). Written only by the operator CLI (`pinlater-ops queue
 * pause|unpause`, `limits set|clear`, queue-limit-store.ts), read by every gateway
 * (zk-limit-source.ts).
 *
 *   { "format": 1, "queue": "my_queue", "maxJobsPerSecond": 100, "paused": false,
 *     "version": 3, "changedAt": "2024-…Z", "changedBy": "alice", "reason": "downstream slow" }
 *
 * - `maxJobsPerSecond`: fleet-wide, with exactly the meaning of PinLater's queue_config.json
 *   (FACTS §3.7): each gateway allows `maxJobsPerSecond / number of live gateways`; a rate of 0
 *   pauses the queue as it does there. `null`: no rate (only meaningful with `paused`).
 * - `paused`: every dequeue is refused (DEQUEUE_RATE_LIMITED), whatever the rate; unpausing
 *   keeps the rate.
 * - `version`: 1 for the queue's first record, +1 on each change: what the operator's
 *   compare-and-set names.
 *
 * Strict: an unknown field, a newer format, a record naming another queue, more than
 * MAX_LIMIT_RECORD_BYTES of data, or a record that limits nothing fails to parse, and gateways
 * keep what they applied before (never a guess).
 */
import { z } from 'zod';

export const QUEUE_LIMIT_FORMAT = 1;

/** Largest record data accepted (a record is ~200 bytes; `reason` is capped below). */
export const MAX_LIMIT_RECORD_BYTES = 4096;

/** Largest rate accepted; Guava takes any positive double, this keeps the limiter's arithmetic exact. */
export const MAX_JOBS_PER_SECOND = 1e9;

const REASON_MAX_CHARS = 1000;
const BY_MAX_CHARS = 200;

const limitSchema = z.strictObject({
  format: z.literal(QUEUE_LIMIT_FORMAT),
  queue: z.string().min(1),
  maxJobsPerSecond: z.number().finite().min(0).max(MAX_JOBS_PER_SECOND).nullable(),
  paused: z.boolean(),
  version: z.number().int().min(1),
  /** ISO-8601 instant of the change. */
  changedAt: z.string().min(1).max(64),
  changedBy: z.string().min(1).max(BY_MAX_CHARS),
  reason: z.string().max(REASON_MAX_CHARS),
});

export type QueueLimitRecord = z.output<typeof limitSchema>;

export class QueueLimitRecordError extends Error {
  constructor(readonly queue: string, detail: string) {
    super(`limit record of queue '${queue}' is not valid: ${detail}`);
    this.name = 'QueueLimitRecordError';
  }
}

/** Parses a limit record's znode data; throws QueueLimitRecordError naming every problem. */
export function parseQueueLimitRecord(queue: string, data: Buffer): QueueLimitRecord {
  if (data.length > MAX_LIMIT_RECORD_BYTES) throw new QueueLimitRecordError(queue, `${data.length} bytes, more than ${MAX_LIMIT_RECORD_BYTES}`);
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8'));
  } catch (e) {
    throw new QueueLimitRecordError(queue, `not JSON (${(e as Error).message})`);
  }
  const result = limitSchema.safeParse(json);
  if (!result.success) throw new QueueLimitRecordError(queue, result.error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; '));
  const record = result.data;
  if (record.queue !== queue) throw new QueueLimitRecordError(queue, `it names queue '${record.queue}'`);
  if (!record.paused && record.maxJobsPerSecond === null) throw new QueueLimitRecordError(queue, 'it limits nothing (not paused and no maxJobsPerSecond)');
  return record;
}

export function serializeQueueLimitRecord(record: QueueLimitRecord): Buffer {
  const data = Buffer.from(JSON.stringify(limitSchema.parse(record)), 'utf8');
  parseQueueLimitRecord(record.queue, data); // every rule, before anything is written
  return data;
}

/** Whether the record refuses every dequeue: paused, or a rate of 0 (PinLater's rate ≤ 0). */
export function isPausedLimit(record: Pick<QueueLimitRecord, 'paused' | 'maxJobsPerSecond'>): boolean {
  return record.paused || record.maxJobsPerSecond === 0;
}
