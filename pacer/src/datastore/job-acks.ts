import type { Pool } from 'mysql2/promise';
import type { AckInfo, CheckpointItem } from '../../../core/src/types/requests';
import { JobState } from '../../../core/src/types/job-state';
import { execute } from './mysql-pool';
import { sql } from './sql-loader';
import { groupBy, resolveRef, type PendingHint } from './job-refs';
import type { QueueSettings } from './queue-registry';
import type { PacerJobRef } from '../descriptors/pacer-descriptor';

interface RefAck {
  ref: PacerJobRef;
  info: AckInfo;
}

/** Success acks, one UPDATE per (partition, priority, status) group. PinLater MySQL semantics. */
export async function ackSucceeded(pool: Pool, queue: QueueSettings, acks: AckInfo[], nowMs: number): Promise<void> {
  const refs = acks.map((info) => ({ ref: resolveRef(info.descriptor, queue), info }));
  for (const group of groupBy(refs, (a) => `${a.ref.partition}/${a.ref.priority}/${a.info.appendCustomStatus}`).values()) {
    const { ref, info } = group[0] as RefAck;
    await execute(pool, sql('ack-succeeded'), [info.appendCustomStatus, nowMs, queue.name, ref.partition, ref.priority, ids(group)]);
  }
}

/**
 * Failure acks: "done" (last attempt → FAILED) then "retry" (→ PENDING at now + delay), per
 * (partition, priority, status, delay) group. Returns where jobs became pending again.
 */
export async function ackFailed(pool: Pool, queue: QueueSettings, acks: AckInfo[], nowMs: number): Promise<PendingHint[]> {
  const hints: PendingHint[] = [];
  const refs = acks.map((info) => ({ ref: resolveRef(info.descriptor, queue), info }));
  const key = (a: RefAck): string => `${a.ref.partition}/${a.ref.priority}/${a.info.retryDelayMs}/${a.info.appendCustomStatus}`;
  for (const group of groupBy(refs, key).values()) {
    const { ref, info } = group[0] as RefAck;
    const where = [queue.name, ref.partition, ref.priority, ids(group)];
    await execute(pool, sql('ack-failed-done'), [info.appendCustomStatus, nowMs, ...where]);
    const runAfterMs = nowMs + info.retryDelayMs;
    const retried = await execute(pool, sql('ack-failed-retry'), [info.appendCustomStatus, runAfterMs, nowMs, ...where]);
    if (retried.affectedRows > 0) hints.push({ partition: ref.partition, runAfterMs });
  }
  return hints;
}

/** Checkpoints one by one (each has its own SET); returns where jobs moved to pending. */
export async function checkpoint(
  pool: Pool, queue: QueueSettings, source: string, items: CheckpointItem[], nowMs: number,
): Promise<{ hints: PendingHint[]; noops: number }> {
  const refs = items.map((item) => ({ ref: resolveRef(item.descriptor, queue), item }));
  const hints: PendingHint[] = [];
  let noops = 0;
  for (const { ref, item } of refs) {
    const runAfterMs = item.runAfterMs ?? nowMs;
    const header = await execute(pool, sql('checkpoint-job'), checkpointParams(queue.name, ref, item, source, runAfterMs, nowMs));
    if (header.affectedRows === 0) noops += 1;
    else if (item.moveToPending) hints.push({ partition: ref.partition, runAfterMs });
  }
  return { hints, noops };
}

function checkpointParams(
  queue: string, ref: PacerJobRef, item: CheckpointItem, source: string, runAfterMs: number, nowMs: number,
): unknown[] {
  const attempts = item.numOfAttemptsAllowed ?? null;
  const prepend = item.prependCustomStatus ?? null;
  const hasBody = item.newBody !== undefined;
  return [
    item.moveToPending ? JobState.PENDING : JobState.IN_PROGRESS, runAfterMs,
    hasBody ? 1 : 0, Buffer.from(item.newBody ?? '', 'utf8'), attempts, attempts, prepend, prepend,
    item.moveToPending ? 1 : 0, nowMs, queue, ref.partition, ref.priority, ref.id, source,
  ];
}

function ids(group: RefAck[]): number[] {
  return group.map((a) => a.ref.id);
}
