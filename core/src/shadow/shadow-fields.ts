/**
 * What the shadow comparison compares, per method, as a fixed set of flattened field paths (so the
 * `pinlater.shadow.field` label is bounded), and the pure functions that diff two answers.
 *
 * Rules (Scientist's "ignore" blocks, written down):
 * - Never compared: descriptors (each system issues its own), `createdAtMs`, `updatedAtMs` and
 *   `claimDescriptor` (when each system wrote or claimed the job: always differs a little).
 *   `runAfterMs` is compared only between two PENDING jobs, within RUN_AFTER_TOLERANCE_MS (a job
 *   enqueued "now" gets each system's own now).
 * - Lists whose order is not deterministic (scans, dry-run dequeues) are compared as multisets of
 *   each stable field; when either side filled the request's `limit`, the two sides may hold
 *   different subsets, so only `count` is compared.
 * - Lookups: a job's fields are of two kinds. Its *content* (`found`, `body`, `attemptsAllowed`)
 *   never changes after the enqueue on either side (the drainer never deletes or rewrites a copy),
 *   so any difference there is real and always judged. Its *lifecycle* (LIFECYCLE_FIELDS: `state`,
 *   `attemptsRemaining`, `customStatus`, `runAfterMs`) moves with each claim and ack, and a copy's
 *   lifecycle follows its twin's only loosely: PinLater's API cannot claim a given job, so the
 *   drainer claims other copies than the jobs the clients got, holds each until its own twin's
 *   ack, and applies an outcome that came before the claim at a later claim (shadow-drainer.ts).
 *   A pair is *in flight*, and its lifecycle differences are benign (`benign: true`: the
 *   comparison is `ignored`, not `mismatched`), when
 *     - the drainer's bookkeeping says the copy is out of step with its twin (`inTransit`,
 *       copy-ledger.ts): held for a claim, an ack outstanding on either side, its twin's outcomes
 *       waiting for a claim, released without its twin's outcome, or moved at all since the
 *       lookup began (so neither side's reads straddle a move);
 *     - the copy is IN_PROGRESS: only a drainer claims shadow copies, and which ones is not the
 *       clients' choice (this holds whichever gateway's drainer claimed it);
 *     - legacy has the job IN_PROGRESS and the copy is PENDING: a client holds the job, the
 *       drainer claimed another copy for it.
 *   Otherwise both sides have settled (the copy went through every outcome its twin had, as
 *   many claims as acks), and the lifecycle is judged like the content: a state, attempts or
 *   custom status difference then is real.
 * - Ignored by rule: getJobCount and scanJobs of IN_PROGRESS and SUCCEEDED jobs (UNJUDGED_STATES).
 *   Pacer is still asked (its errors and latency count) but the comparison is always `ignored`,
 *   equal or not, and learns no noise. IN_PROGRESS: which jobs are in flight cannot follow the
 *   primary. PinLater's API cannot claim a given job, so the drainer claims other copies than the
 *   jobs the clients got, and holds each until its own twin is acked (or `holdMs` passes). The
 *   shadow copy's in-progress jobs are then neither as many nor the same as legacy's. SUCCEEDED:
 *   retention differs (each system collects succeeded jobs on its own schedule and limits), and
 *   the drainer acks copies late or in bulk. PENDING and FAILED counts and scans stay compared:
 *   those jobs are the same on both sides once `shadow start` seeded the copy with the backlog.
 */
import { JobState } from '../types/job-state';
import type { DequeuedJob, JobInfo } from '../types/job';
import type { ShadowMethod } from './shadow-report';

export interface FieldDifference {
  readonly field: string;
  /** The values, rendered as short strings (not yet truncated; not escaped). */
  readonly primary: string;
  readonly candidate: string;
  /** A known, expected difference (a job in flight): it makes the comparison `ignored`. */
  readonly benign?: boolean;
}

/** The lookup fields a job's claims and acks change: benign while a pair is in flight. */
export const LIFECYCLE_FIELDS: ReadonlySet<string> = new Set(['state', 'attemptsRemaining', 'customStatus', 'runAfterMs']);

export const SHADOW_FIELDS: Readonly<Record<ShadowMethod, readonly string[]>> = {
  enqueueJobs: ['error', 'count'],
  lookupJobs: ['error', 'found', 'state', 'attemptsAllowed', 'attemptsRemaining', 'customStatus', 'body', 'runAfterMs'],
  getJobCount: ['error', 'count'],
  scanJobs: ['error', 'count', 'jobs.state', 'jobs.attemptsAllowed', 'jobs.attemptsRemaining', 'jobs.customStatus', 'jobs.body'],
  dequeueJobs: ['error', 'count', 'jobs.body', 'jobs.attemptsAllowed', 'jobs.attemptsRemaining'],
};

/** The states whose counts and scans are compared but never judged (the header's "Ignored by rule"). */
export const UNJUDGED_STATES: ReadonlySet<JobState> = new Set([JobState.IN_PROGRESS, JobState.SUCCEEDED]);

/** Whether counts and scans of `state` are ignored by rule. */
export function unjudgedState(state: JobState): boolean {
  return UNJUDGED_STATES.has(state);
}

/**
 * The differences of a comparison ignored by rule, all benign, so it is classified `ignored`; equal
 * answers carry one benign `count` marker (never counted, sampled or observed as a field).
 */
export function ruleIgnored(differences: readonly FieldDifference[]): FieldDifference[] {
  if (differences.length === 0) return [{ field: 'count', primary: 'equal', candidate: 'equal', benign: true }];
  return differences.map((d) => ({ ...d, benign: true }));
}

/** How far apart two PENDING jobs' runAfter may be and still match. */
export const RUN_AFTER_TOLERANCE_MS = 60_000;

/** An answer or the error code it failed with (`UNKNOWN` for anything not a PinLaterError). */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** Both outcomes compared: error parity first, then the values with `diffValues`. */
export function diffOutcomes<T>(primary: Outcome<T>, other: Outcome<T>, diffValues: (a: T, b: T) => FieldDifference[]): FieldDifference[] {
  if (primary.ok && other.ok) return diffValues(primary.value, other.value);
  const [a, b] = [primary.ok ? 'ok' : primary.error, other.ok ? 'ok' : other.error];
  return a === b ? [] : [{ field: 'error', primary: a, candidate: b }];
}

export function diffCount(primary: number, candidate: number): FieldDifference[] {
  return primary === candidate ? [] : [{ field: 'count', primary: String(primary), candidate: String(candidate) }];
}

/** Enqueue answers: as many descriptors (which differ by design). */
export function diffEnqueue(primary: readonly string[], candidate: readonly string[]): FieldDifference[] {
  return diffCount(primary.length, candidate.length);
}

/** Scans: count, then each stable field as a multiset (unless a side was truncated at `limit`). */
export function diffScan(primary: readonly JobInfo[], candidate: readonly JobInfo[], limit: number): FieldDifference[] {
  return diffJobLists(primary, candidate, limit, {
    'jobs.state': (j) => JobState[j.state],
    'jobs.attemptsAllowed': (j) => String(j.attemptsAllowed),
    'jobs.attemptsRemaining': (j) => String(j.attemptsRemaining),
    'jobs.customStatus': (j) => j.customStatus,
    'jobs.body': (j) => bodyText(j.body),
  });
}

/** Dry-run dequeues: count, then bodies and attempts as multisets (unless a side was truncated). */
export function diffDequeue(primary: readonly DequeuedJob[], candidate: readonly DequeuedJob[], limit: number): FieldDifference[] {
  return diffJobLists(primary, candidate, limit, {
    'jobs.body': (j) => bodyText(j.body),
    'jobs.attemptsAllowed': (j) => String(j.attemptsAllowed),
    'jobs.attemptsRemaining': (j) => String(j.attemptsRemaining),
  });
}

function diffJobLists<J>(primary: readonly J[], candidate: readonly J[], limit: number, fields: Record<string, (job: J) => string>): FieldDifference[] {
  const out = diffCount(primary.length, candidate.length);
  if (primary.length >= limit || candidate.length >= limit) return out;
  for (const [field, project] of Object.entries(fields)) {
    const [a, b] = [multiset(primary.map(project)), multiset(candidate.map(project))];
    if (a !== b) out.push({ field, primary: a, candidate: b });
  }
  return out;
}

function multiset(values: string[]): string {
  return JSON.stringify(values.sort());
}

/** One looked-up job on each side (undefined: not found there). */
export interface LookupPair {
  readonly primary: JobInfo | undefined;
  readonly candidate: JobInfo | undefined;
  /** The drainer's bookkeeping says the copy's lifecycle is out of step with its twin's (the header's "Lookups"). */
  readonly inTransit: boolean;
}

/** Lookups: every pair's fields; the lifecycle differences of a pair in flight are benign, its content differences never. */
export function diffLookup(pairs: readonly LookupPair[]): FieldDifference[] {
  const out: FieldDifference[] = [];
  for (const pair of pairs) {
    const diffs = diffJobInfo(pair.primary, pair.candidate);
    const inFlight = diffs.length > 0 && lifecycleInFlight(pair);
    out.push(...(inFlight ? diffs.map((d) => (LIFECYCLE_FIELDS.has(d.field) ? { ...d, benign: true } : d)) : diffs));
  }
  return out;
}

function lifecycleInFlight(pair: LookupPair): boolean {
  if (pair.inTransit || pair.candidate?.state === JobState.IN_PROGRESS) return true;
  return pair.primary?.state === JobState.IN_PROGRESS && pair.candidate?.state === JobState.PENDING;
}

function diffJobInfo(primary: JobInfo | undefined, candidate: JobInfo | undefined): FieldDifference[] {
  if (primary === undefined || candidate === undefined) {
    return primary === candidate ? [] : [{ field: 'found', primary: String(primary !== undefined), candidate: String(candidate !== undefined) }];
  }
  const out: FieldDifference[] = [];
  const compare = (field: string, a: string, b: string): void => {
    if (a !== b) out.push({ field, primary: a, candidate: b });
  };
  compare('state', JobState[primary.state], JobState[candidate.state]);
  compare('attemptsAllowed', String(primary.attemptsAllowed), String(candidate.attemptsAllowed));
  compare('attemptsRemaining', String(primary.attemptsRemaining), String(candidate.attemptsRemaining));
  compare('customStatus', primary.customStatus, candidate.customStatus);
  if (primary.body !== undefined || candidate.body !== undefined) compare('body', bodyText(primary.body), bodyText(candidate.body));
  if (primary.state === JobState.PENDING && candidate.state === JobState.PENDING && runAfterApart(primary, candidate)) {
    compare('runAfterMs', String(primary.runAfterMs), String(candidate.runAfterMs));
  }
  return out;
}

function runAfterApart(a: JobInfo, b: JobInfo): boolean {
  if (a.runAfterMs === undefined || b.runAfterMs === undefined) return a.runAfterMs !== b.runAfterMs;
  return Math.abs(a.runAfterMs - b.runAfterMs) > RUN_AFTER_TOLERANCE_MS;
}

function bodyText(body: Buffer | undefined): string {
  return body === undefined ? '(none)' : body.toString('utf8');
}
