import type { JobInfo } from '../../../core/src/types/job';
import { isJobState, type JobState } from '../../../core/src/types/job-state';
import type { ShardJob, ShardJobInfo, ShardPortableJob } from '../../../core/src/interfaces/shard-store';
import type { Row, SqlSession } from './mysql-session-pool';

/**
 * Row → domain conversions, with JDBC's reading rules as PinLater relies on them (FACTS §5.5
 * "Lookup"): `getInt` of NULL is 0, a NULL custom status reads as "", a NULL claim descriptor is
 * left unset, TIMESTAMPs are epoch ms of whole seconds.
 */

export function intOrZero(value: unknown): number {
  if (value === null || value === undefined) return 0;
  return Number(value);
}

function bytes(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value === null || value === undefined) return Buffer.alloc(0);
  return Buffer.from(String(value), 'utf8');
}

function optionalString(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

function stateOf(value: unknown): JobState {
  const n = Number(value);
  if (!isJobState(n)) throw new Error(`Unexpected job state in MySQL row: ${String(value)}`);
  return n;
}

/** Columns of dequeue-select-claimed.sql / dequeue-peek.sql. */
export function toShardJob(row: Row, s: SqlSession): ShardJob {
  return {
    localId: Number(row.local_id),
    body: bytes(row.body),
    attemptsAllowed: intOrZero(row.attempts_allowed),
    attemptsRemaining: intOrZero(row.attempts_remaining),
    createdAtMs: s.readTimestamp(row.created_at),
    updatedAtMs: s.readTimestamp(row.updated_at),
  };
}

/** Columns of lookup.sql / lookup-with-body.sql. */
export function toLookupInfo(row: Row, s: SqlSession, includeBody: boolean): Omit<JobInfo, 'descriptor'> {
  const info: Omit<JobInfo, 'descriptor'> = {
    state: stateOf(row.state),
    attemptsAllowed: intOrZero(row.attempts_allowed),
    attemptsRemaining: intOrZero(row.attempts_remaining),
    customStatus: optionalString(row.custom_status) ?? '',
    createdAtMs: s.readTimestamp(row.created_at),
    runAfterMs: s.readTimestamp(row.run_after),
    updatedAtMs: s.readTimestamp(row.updated_at),
  };
  const claim = optionalString(row.claim_descriptor);
  if (claim !== undefined) info.claimDescriptor = claim;
  if (includeBody) info.body = bytes(row.body);
  return info;
}

/** Columns of scan-*.sql; the state is the requested one (PinLater sets it so). */
export function toScanInfo(row: Row, s: SqlSession, state: JobState): ShardJobInfo {
  const info: ShardJobInfo = {
    localId: Number(row.local_id),
    state,
    attemptsAllowed: intOrZero(row.attempts_allowed),
    attemptsRemaining: intOrZero(row.attempts_remaining),
    customStatus: optionalString(row.custom_status) ?? '',
    createdAtMs: s.readTimestamp(row.created_at),
    runAfterMs: s.readTimestamp(row.run_after),
    updatedAtMs: s.readTimestamp(row.updated_at),
  };
  const claim = optionalString(row.claim_descriptor);
  if (claim !== undefined) info.claimDescriptor = claim;
  return info;
}

/**
 * Columns of export-page.sql (and of the move statements, which pass the `state` a taken or staged
 * row stands for, mysql-move-states.ts).
 */
export function toPortableJob(row: Row, s: SqlSession, priority: number, state: JobState = stateOf(row.state)): ShardPortableJob {
  const job: ShardPortableJob = {
    localId: Number(row.local_id),
    priority,
    state,
    body: bytes(row.body),
    attemptsAllowed: intOrZero(row.attempts_allowed),
    attemptsRemaining: intOrZero(row.attempts_remaining),
    customStatus: optionalString(row.custom_status) ?? '',
    createdAtMs: s.readTimestamp(row.created_at),
    updatedAtMs: s.readTimestamp(row.updated_at),
    runAfterMs: s.readTimestamp(row.run_after),
  };
  const claim = optionalString(row.claim_descriptor);
  if (claim !== undefined) job.claimDescriptor = claim;
  return job;
}

/** The single value of a one-column, one-row result (COUNT(*)). */
export function scalar(rows: Row[]): number {
  const first = rows[0];
  if (!first) return 0;
  return Number(Object.values(first)[0] ?? 0);
}
