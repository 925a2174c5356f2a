import type { Pool } from 'mysql2/promise';
import type { AckInfo, CheckpointItem } from '../../../core/src/types/requests';
import { JobState } from '../../../core/src/types/job-state';
import { executeRetried } from './mysql-pool';
import { sql } from './sql-loader';
import { groupBy, resolveRef, type PendingHint } from './job-refs';
import type { QueueSettings } from './queue-registry';
import type { PacerJobRef } from '../descriptors/pacer-descriptor';

/** One ack of one job: `queue` is the request's queue (the descriptor's queue token is ignored). */
export interface AckItem {
  queue: string;
  ref: PacerJobRef;
  info: AckInfo;
}

/** Jobs of `queue` became pending in `hints` (for broker notification). */
export interface QueueHints {
  queue: string;
  hints: PendingHint[];
}

/** Most jobs one ack statement names (keeps statements well under max_allowed_packet). */
const MAX_IDS_PER_STATEMENT = 2000;

/** Resolves an ack request's descriptors (malformed/foreign → UNKNOWN, before anything is written). */
export function ackItems(queue: QueueSettings, acks: AckInfo[]): AckItem[] {
  return acks.map((info) => ({ queue: queue.name, ref: resolveRef(info.descriptor, queue), info }));
}

/**
 * Success acks: one UPDATE (one commit) per appendCustomStatus, over every queue and partition.
 * Returns the rows changed (fewer than the acks when some named no claimed job, or one job twice).
 */
export async function ackSucceeded(pool: Pool, acks: AckItem[], nowMs: number): Promise<number> {
  let changed = 0;
  for (const group of groupBy(acks, (a) => a.info.appendCustomStatus).values()) {
    for (const chunk of chunks(group)) {
      const header = await executeRetried(pool, sql('ack-succeeded'), [(chunk[0] as AckItem).info.appendCustomStatus, nowMs, ids(chunk), tuples(chunk)]);
      changed += header.affectedRows;
    }
  }
  return changed;
}

/**
 * Failure acks: "done" (last attempt → FAILED) then "retry" (→ PENDING at now + delay), one pair per
 * (status, delay). Returns where jobs became pending again: exact when all or none of a group were
 * retried, otherwise every partition of the group (a notification is only a hint to re-read).
 */
export async function ackFailed(pool: Pool, acks: AckItem[], nowMs: number): Promise<QueueHints[]> {
  const byQueue = new Map<string, Map<number, PendingHint>>();
  const key = (a: AckItem): string => JSON.stringify([a.info.retryDelayMs, a.info.appendCustomStatus]);
  for (const group of groupBy(acks, key).values()) {
    for (const chunk of chunks(group)) {
      const { info } = chunk[0] as AckItem;
      const where = [ids(chunk), tuples(chunk)];
      await executeRetried(pool, sql('ack-failed-done'), [info.appendCustomStatus, nowMs, ...where]);
      const runAfterMs = nowMs + info.retryDelayMs;
      const retried = await executeRetried(pool, sql('ack-failed-retry'), [info.appendCustomStatus, runAfterMs, nowMs, ...where]);
      if (retried.affectedRows === 0) continue;
      for (const a of chunk) {
        const hints = byQueue.get(a.queue) ?? new Map<number, PendingHint>();
        byQueue.set(a.queue, hints);
        const h = hints.get(a.ref.partition);
        if (h === undefined || runAfterMs < h.runAfterMs) hints.set(a.ref.partition, { partition: a.ref.partition, runAfterMs });
      }
    }
  }
  return [...byQueue].map(([queue, hints]) => ({ queue, hints: [...hints.values()] }));
}

/** Resolves a checkpoint request's descriptors (malformed/foreign → UNKNOWN, before anything is written). */
export function checkpointRefsOf(queue: QueueSettings, items: CheckpointItem[]): CheckpointRef[] {
  return items.map((item) => ({ ref: resolveRef(item.descriptor, queue), item }));
}

/**
 * Checkpoints of per-job claims (rows in state IN_PROGRESS; the owning broker runs them): one
 * UPDATE per group of items with identical SET values and distinct ids, each job's items applied
 * in request order (so duplicates behave as one-by-one). Returns where jobs moved to pending and
 * how many items were no-ops.
 */
export async function checkpointRefs(
  pool: Pool, queueName: string, source: string, refs: CheckpointRef[], nowMs: number,
): Promise<{ hints: PendingHint[]; noops: number }> {
  const hints = new Map<number, PendingHint>();
  let noops = 0;
  for (const group of checkpointGroups(refs, nowMs)) {
    const { item } = group[0] as CheckpointRef;
    const runAfterMs = item.runAfterMs ?? nowMs;
    const members = group.map((g) => ({ queue: queueName, ref: g.ref }));
    const header = await executeRetried(pool, sql('checkpoint-job'), [
      ...checkpointSet(item, runAfterMs, nowMs), ids(members), tuples(members), source,
    ]);
    noops += group.length - header.affectedRows;
    if (item.moveToPending && header.affectedRows > 0) {
      for (const { ref } of group) {
        const h = hints.get(ref.partition);
        if (h === undefined || runAfterMs < h.runAfterMs) hints.set(ref.partition, { partition: ref.partition, runAfterMs });
      }
    }
  }
  return { hints: [...hints.values()], noops };
}

/** One checkpoint item with its resolved job. */
export interface CheckpointRef {
  ref: PacerJobRef;
  item: CheckpointItem;
}

/**
 * Items with the same SET values share a statement unless that would reorder one job's items: an
 * item joins the newest group of its kind only if that group does not hold its id yet and comes
 * after the group of the id's previous item.
 */
export function checkpointGroups(refs: CheckpointRef[], nowMs: number): CheckpointRef[][] {
  const groups: Array<{ key: string; ids: Set<number>; items: CheckpointRef[] }> = [];
  const newestOfKind = new Map<string, number>();
  const lastGroupOfId = new Map<number, number>();
  for (const r of refs) {
    const key = JSON.stringify(checkpointSet(r.item, r.item.runAfterMs ?? nowMs, nowMs).map((v) => (Buffer.isBuffer(v) ? v.toString('base64') : v)));
    const candidate = newestOfKind.get(key);
    const previous = lastGroupOfId.get(r.ref.id) ?? -1;
    let index: number;
    if (candidate !== undefined && previous < candidate && !(groups[candidate] as { ids: Set<number> }).ids.has(r.ref.id)) {
      index = candidate;
    } else {
      index = groups.push({ key, ids: new Set(), items: [] }) - 1;
      newestOfKind.set(key, index);
    }
    const g = groups[index] as { ids: Set<number>; items: CheckpointRef[] };
    g.ids.add(r.ref.id);
    g.items.push(r);
    lastGroupOfId.set(r.ref.id, index);
  }
  return groups.map((g) => g.items);
}

/** checkpoint-job.sql's SET parameters for one item (lease-checkpoint.sql takes the same). */
export function checkpointSet(item: CheckpointItem, runAfterMs: number, nowMs: number): unknown[] {
  const attempts = item.numOfAttemptsAllowed ?? null;
  const prepend = item.prependCustomStatus ?? null;
  const hasBody = item.newBody !== undefined;
  return [
    item.moveToPending ? JobState.PENDING : JobState.IN_PROGRESS, runAfterMs,
    hasBody ? 1 : 0, Buffer.from(item.newBody ?? '', 'utf8'), attempts, attempts, prepend, prepend,
    item.moveToPending ? 1 : 0, nowMs,
  ];
}

function ids(items: Array<{ ref: PacerJobRef }>): number[] {
  return items.map((a) => a.ref.id);
}

/** [queue, part, priority, id] per item; the queue is the request's, not the descriptor's token. */
function tuples(items: Array<{ queue: string; ref: PacerJobRef }>): Array<[string, number, number, number]> {
  return items.map((a) => [a.queue, a.ref.partition, a.ref.priority, a.ref.id]);
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += MAX_IDS_PER_STATEMENT) out.push(items.slice(i, i + MAX_IDS_PER_STATEMENT));
  return out;
}
