import type { Pool } from 'mysql2/promise';
import type { JobInfo } from '../../../core/src/types/job';
import type { JobState } from '../../../core/src/types/job-state';
import type { CountRequest, LookupRequest, ScanRequest } from '../../../core/src/types/requests';
import type { ExportPage, ExportRequest } from '../../../core/src/interfaces/pinlater-backend';
import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import { formatPacerDescriptor, type PacerJobRef } from '../descriptors/pacer-descriptor';
import { selectRows, type Row } from './mysql-pool';
import { groupBy, resolveRef } from './job-refs';
import { leaseRuleSql, partitionLeases, partitionRangeLeases, queueLeases, storedStates } from './lease-read-rule';
import { refOfRow, rowToPortable } from './move-rows';
import { limitedSelect, type BodyRegexLimit } from './statement-time-limit';
import type { QueueSettings } from './queue-registry';

/** Looks queue settings up by name, UNKNOWN when absent (PinLater lookup/count/scan semantics). */
export type SettingsLookup = (queue: string) => Promise<QueueSettings>;

/** Ids per lookup statement: a call with thousands of descriptors becomes several bounded reads. */
const LOOKUP_CHUNK = 1000;

/**
 * Every descriptor is resolved first (a queue's settings are read once per call, not once per
 * descriptor), then the rows are read queue by queue in chunks of LOOKUP_CHUNK ids, one statement
 * at a time, so one large call holds one pool connection at a time (issue 8, finding 3). A row a
 * claim lease holds reads IN_PROGRESS (lease-read-rule.ts): each statement reads the leases of its
 * queue's partitions from the lowest to the highest it looks up. The result keeps request order.
 */
export async function lookupJobs(pool: Pool, settingsOf: SettingsLookup, req: LookupRequest): Promise<Map<string, JobInfo>> {
  const settings = new Map<string, QueueSettings>();
  const refs: { text: string; ref: PacerJobRef }[] = [];
  for (const text of req.descriptors) {
    const queue = text.split(':')[0] ?? '';
    let queueSettings = settings.get(queue);
    if (queueSettings === undefined) settings.set(queue, (queueSettings = await settingsOf(queue)));
    refs.push({ text, ref: resolveRef(text, queueSettings) });
  }
  const found = new Map<string, JobInfo>();
  for (const [queue, queueRefs] of groupBy(refs, (r) => r.ref.queue)) {
    for (let start = 0; start < queueRefs.length; start += LOOKUP_CHUNK) {
      await lookupChunk(pool, queue, queueRefs.slice(start, start + LOOKUP_CHUNK), req.includeBody, found);
    }
  }
  const result = new Map<string, JobInfo>();
  for (const { text } of refs) {
    const info = found.get(text);
    if (info !== undefined) result.set(text, info);
  }
  return result;
}

/** One lookup statement: the rows of `chunk` (one queue's refs), added to `found` by descriptor text. */
async function lookupChunk(
  pool: Pool, queue: string, chunk: ReadonlyArray<{ text: string; ref: PacerJobRef }>, includeBody: boolean, found: Map<string, JobInfo>,
): Promise<void> {
  const leases = partitionRangeLeases(queue, chunk.map((r) => r.ref.partition));
  const rows = await selectRows(pool, leaseRuleSql('lookup-jobs'), [includeBody ? 1 : 0, ...leases, chunk.map((r) => r.ref.id)]);
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  for (const { text, ref } of chunk) {
    const row = byId.get(ref.id);
    if (row === undefined || row.queue !== ref.queue || Number(row.part) !== ref.partition || Number(row.priority) !== ref.priority) continue;
    found.set(text, toJobInfo(row, ref, Number(row.state) as JobState, includeBody));
  }
}

/**
 * With a body regex, count (per partition), scan and delete run under `regexLimit`
 * (statement-time-limit.ts). Count, scan and export read states by the claim lease rule
 * (lease-read-rule.ts): PENDING without the rows a lease holds, IN_PROGRESS with them.
 */
export async function countJobs(pool: Pool, queue: QueueSettings, req: CountRequest, nowMs: number, countLimit: number, regexLimit: BodyRegexLimit): Promise<number> {
  const priorities = prioritiesOf(queue, req.priority);
  const [from, to] = runAfterRange(req.future, nowMs);
  const regex = regexParam(req.bodyRegex);
  const perPartition = await Promise.all(
    partitionsOf(queue).map((p) => {
      const leases = partitionLeases(queue.name, p);
      const params = [queue.name, p, req.state, priorities, from, to, regex, regex, ...leases, ...leases, req.state, priorities, from, to, regex, regex];
      return filteredSelect(pool, leaseRuleSql('count-jobs'), params, regex, regexLimit);
    }),
  );
  return perPartition.flat().reduce((sum, r) => sum + Math.min(Number(r.n), countLimit), 0);
}

export async function scanJobs(pool: Pool, queue: QueueSettings, req: ScanRequest, nowMs: number, regexLimit: BodyRegexLimit): Promise<JobInfo[]> {
  const priorities = prioritiesOf(queue, req.priority);
  const [from, to] = runAfterRange(req.future, nowMs);
  const regex = regexParam(req.bodyRegex);
  if (req.limit <= 0) return [];
  const leases = queueLeases(queue.name);
  const filters = [priorities, from, to, regex, regex];
  const params = [queue.name, req.state, ...filters, ...leases, req.limit, ...leases, req.state, ...filters, req.limit, req.limit];
  const rows = await filteredSelect(pool, leaseRuleSql('scan-jobs'), params, regex, regexLimit);
  return rows.map((r) => toJobInfo(r, refOfRow(queue.name, r), req.state, false));
}

function filteredSelect(pool: Pool, text: string, params: unknown[], regex: string | null, regexLimit: BodyRegexLimit): Promise<Row[]> {
  return regex === null ? selectRows(pool, text, params) : limitedSelect(pool, text, params, regexLimit);
}

export async function exportJobs(pool: Pool, req: ExportRequest): Promise<ExportPage> {
  const afterId = req.cursor === undefined ? 0 : Number(req.cursor);
  if (!Number.isSafeInteger(afterId) || afterId < 0) throw new PinLaterError(ErrorCode.CONTINUATION_INVALID, `Invalid export cursor: ${req.cursor}`);
  const params = [...queueLeases(req.queue), req.queue, storedStates(req.state), req.priority, afterId, req.state, req.limit];
  const rows = await selectRows(pool, leaseRuleSql('export-jobs'), params);
  const jobs = rows.map((r) => rowToPortable(req.queue, r, 0));
  const last = rows[rows.length - 1];
  return rows.length < req.limit || last === undefined ? { jobs } : { jobs, nextCursor: String(last.id) };
}

/** Priorities to visit: the requested one (no range check in PinLater → UNKNOWN here) or all. */
export function prioritiesOf(queue: QueueSettings, priority: number | undefined): number[] {
  if (priority === undefined) return Array.from({ length: queue.numPriorities }, (_, i) => i + 1);
  if (!Number.isInteger(priority) || priority < 1 || priority > queue.numPriorities) {
    throw new PinLaterError(ErrorCode.UNKNOWN, `Priority ${priority} does not exist in Pacer queue ${queue.name}`);
  }
  return [priority];
}

export function partitionsOf(queue: QueueSettings): number[] {
  return Array.from({ length: queue.numPartitions }, (_, i) => i);
}

/** Current = run_after <= now, future = run_after > now (MySQL semantics, FACTS §11.26). */
function runAfterRange(future: boolean, nowMs: number): [number, number] {
  return future ? [nowMs + 1, Number.MAX_SAFE_INTEGER] : [Number.MIN_SAFE_INTEGER, nowMs];
}

/** Empty regex is ignored, as PinLater's MySQL backend does; otherwise bound as a parameter. */
export function regexParam(regex: string | undefined): string | null {
  return regex === undefined || regex === '' ? null : regex;
}


function toJobInfo(r: Row, ref: PacerJobRef, state: JobState, includeBody: boolean): JobInfo {
  return {
    descriptor: formatPacerDescriptor(ref),
    state,
    attemptsAllowed: Number(r.attempts_allowed),
    attemptsRemaining: Number(r.attempts_remaining),
    customStatus: String(r.custom_status ?? ''),
    createdAtMs: Number(r.created_at_ms),
    runAfterMs: Number(r.run_after_ms),
    updatedAtMs: Number(r.updated_at_ms),
    ...(r.claim_descriptor === null || r.claim_descriptor === undefined ? {} : { claimDescriptor: String(r.claim_descriptor) }),
    ...(includeBody && r.body !== null && r.body !== undefined ? { body: r.body as Buffer } : {}),
  };
}

