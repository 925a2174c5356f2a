import { JobState } from '../types/job-state';
import type { JobInfo } from '../types/job';
import { diffCount, diffDequeue, diffEnqueue, diffLookup, diffOutcomes, diffScan, LIFECYCLE_FIELDS, ruleIgnored, RUN_AFTER_TOLERANCE_MS, SHADOW_FIELDS, unjudgedState } from './shadow-fields';

const info = (over: Partial<JobInfo> = {}): JobInfo => ({
  descriptor: 'q:s1:p1:1', state: JobState.PENDING, attemptsAllowed: 3, attemptsRemaining: 3, customStatus: '', createdAtMs: 1000, runAfterMs: 1000, ...over,
});
const dq = (body: string) => ({ descriptor: `q:s1:p1:${body}`, body: Buffer.from(body), attemptsAllowed: 2, attemptsRemaining: 2, createdAtMs: 1, updatedAtMs: 1 });

describe('shadow field diffs', () => {
  it('compares error parity before values', () => {
    expect(diffOutcomes({ ok: false, error: 'QUEUE_NOT_FOUND' }, { ok: false, error: 'QUEUE_NOT_FOUND' }, diffCount)).toEqual([]);
    expect(diffOutcomes({ ok: true, value: 1 }, { ok: false, error: 'UNKNOWN' }, diffCount)).toEqual([{ field: 'error', primary: 'ok', candidate: 'UNKNOWN' }]);
    expect(diffOutcomes({ ok: true, value: 1 }, { ok: true, value: 2 }, diffCount)).toEqual([{ field: 'count', primary: '1', candidate: '2' }]);
  });

  it('compares enqueues by how many descriptors, never the descriptors', () => {
    expect(diffEnqueue(['a:s1:p1:1'], ['zz:spacer0:p1:9'])).toEqual([]);
    expect(diffEnqueue(['a', 'b'], ['c'])).toHaveLength(1);
  });

  it('compares scans as multisets: order and timestamps are noise', () => {
    const a = [info({ customStatus: 'x', createdAtMs: 1 }), info({ customStatus: 'y', createdAtMs: 2 })];
    const b = [info({ customStatus: 'y', createdAtMs: 9 }), info({ customStatus: 'x', createdAtMs: 8, descriptor: 'other' })];
    expect(diffScan(a, b, 10)).toEqual([]);
    expect(diffScan(a, [info({ customStatus: 'x' }), info({ customStatus: 'z' })], 10).map((d) => d.field)).toEqual(['jobs.customStatus']);
  });

  it('compares only the count when a side filled the limit (the subsets may differ)', () => {
    expect(diffDequeue([dq('a'), dq('b')], [dq('c'), dq('d')], 2)).toEqual([]);
    expect(diffDequeue([dq('a')], [dq('c')], 2).map((d) => d.field)).toEqual(['jobs.body']);
  });

  it('compares lookups field by field, runAfter within a tolerance, and calls jobs in flight benign', () => {
    expect(diffLookup([{ primary: info(), candidate: info({ runAfterMs: 1000 + RUN_AFTER_TOLERANCE_MS, createdAtMs: 5 }), inTransit: false }])).toEqual([]);
    expect(diffLookup([{ primary: info(), candidate: undefined, inTransit: false }])).toEqual([{ field: 'found', primary: 'true', candidate: 'false' }]);
    expect(diffLookup([{ primary: info({ state: JobState.FAILED }), candidate: info(), inTransit: false }])).toEqual([{ field: 'state', primary: 'FAILED', candidate: 'PENDING' }]);
    const claimOrder = diffLookup([{ primary: info({ state: JobState.IN_PROGRESS, attemptsRemaining: 2 }), candidate: info(), inTransit: false }]);
    expect(claimOrder.every((d) => d.benign === true)).toBe(true);
    const transit = diffLookup([{ primary: info({ state: JobState.SUCCEEDED }), candidate: info({ state: JobState.IN_PROGRESS }), inTransit: true }]);
    expect(transit).toEqual([{ field: 'state', primary: 'SUCCEEDED', candidate: 'IN_PROGRESS', benign: true }]);
  });

  it('makes only lifecycle differences of a pair in flight benign; content differences stay judged', () => {
    const held = diffLookup([{ primary: info({ state: JobState.SUCCEEDED, customStatus: 'ok', body: Buffer.from('a') }), candidate: info({ body: Buffer.from('b') }), inTransit: true }]);
    expect(held).toEqual([
      { field: 'state', primary: 'SUCCEEDED', candidate: 'PENDING', benign: true },
      { field: 'customStatus', primary: 'ok', candidate: '', benign: true },
      { field: 'body', primary: 'a', candidate: 'b' },
    ]);
    // A copy only a drainer can have claimed: its lifecycle says nothing about its twin's.
    const claimed = diffLookup([{ primary: info(), candidate: info({ state: JobState.IN_PROGRESS, attemptsRemaining: 2, attemptsAllowed: 4 }), inTransit: false }]);
    expect(claimed.map((d) => [d.field, d.benign === true])).toEqual([['state', true], ['attemptsAllowed', false], ['attemptsRemaining', true]]);
    // Both settled: the lifecycle is judged too.
    expect(diffLookup([{ primary: info({ state: JobState.SUCCEEDED }), candidate: info(), inTransit: false }])).toEqual([{ field: 'state', primary: 'SUCCEEDED', candidate: 'PENDING' }]);
    expect(diffLookup([{ primary: info(), candidate: undefined, inTransit: true }])).toEqual([{ field: 'found', primary: 'true', candidate: 'false' }]);
    expect([...LIFECYCLE_FIELDS].every((f) => SHADOW_FIELDS.lookupJobs.includes(f))).toBe(true);
  });

  it('ignores counts and scans of IN_PROGRESS and SUCCEEDED by rule, never PENDING or FAILED; a rule-ignored comparison is all benign', () => {
    expect([JobState.IN_PROGRESS, JobState.SUCCEEDED].map(unjudgedState)).toEqual([true, true]);
    expect([JobState.PENDING, JobState.FAILED].map(unjudgedState)).toEqual([false, false]);
    expect(ruleIgnored(diffCount(0, 30))).toEqual([{ field: 'count', primary: '0', candidate: '30', benign: true }]);
    expect(ruleIgnored([]).every((d) => d.benign === true && SHADOW_FIELDS.getJobCount.includes(d.field))).toBe(true);
  });

  it('uses only field paths from the fixed set of each method', () => {
    const fields = new Set(Object.values(SHADOW_FIELDS).flat());
    const seen = [
      ...diffLookup([{ primary: info({ body: Buffer.from('a') }), candidate: info({ state: JobState.FAILED, attemptsAllowed: 1, attemptsRemaining: 0, customStatus: 'c', body: Buffer.from('b') }), inTransit: false }]),
      ...diffScan([info()], [info({ state: JobState.FAILED, body: Buffer.from('b') })], 5),
    ].map((d) => d.field);
    for (const field of seen) expect(fields.has(field)).toBe(true);
  });
});
