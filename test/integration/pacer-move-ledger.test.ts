/**
 * The migration copier's stores in Pacer's database (pacer/src/migration-store/), against real
 * MariaDB (a fresh database), time from a fake clock:
 * - the move ledger: record is idempotent (the first target stays), two racing records agree on
 *   one winner per source, resolve follows the newest move, the summary's checksum sums are the
 *   sums of the entries' job checksums (paged), mismatches are listed, and a record with a lost
 *   lease records nothing;
 * - the lease: one owner at a time, a new owner gets a larger epoch, and a copier whose lease
 *   lapsed and was taken over can no longer record progress (fencing).
 */
import type { Pool } from 'mysql2/promise';
import { createMysqlPool, MigrationStateStore, MoveLedgerStore } from '../../pacer';
import { jobChecksum, sumChecksums } from '../../core/src/migration/job-checksum';
import { LeaseLostError, type LeaseFence, type MoveEntry } from '../../core/src/migration/move-ledger';
import { JobState } from '../../core/src/types/job-state';
import { ErrorCode } from '../../core/src/errors/error-code';
import { fakeTime, type FakeTime } from '../support/fake-time';
import { assertNoLeaks } from '../support/leak-check';
import { freshPacerDb, type PacerDb } from './pacer-fixtures';

const TTL = 10_000;

let fx: PacerDb;
let pool: Pool;
let time: FakeTime;
let ledger: MoveLedgerStore;
let states: MigrationStateStore;

beforeAll(async () => {
  fx = await freshPacerDb();
  pool = createMysqlPool({ ...fx.mysql, connectionLimit: 4, connectTimeoutMs: 5000 });
  time = fakeTime({ startMs: 1_700_000_000_000 });
  ledger = new MoveLedgerStore(pool, time.clock, { summaryPageSize: 4 });
  states = new MigrationStateStore(pool, time.clock);
});
afterAll(async () => {
  await pool?.end();
  await fx?.db.drop();
});
afterAll(assertNoLeaks);

/** A queue under migration `migrationId` and the fence of a copier holding its lease. */
async function leased(queue: string, migrationId: string, owner = 'copier-a'): Promise<LeaseFence> {
  await states.start({ queue, migrationId, direction: 'to-pacer', legacyCluster: 'legacy-1', rateLimitPerS: 100 });
  const fence = await states.acquireLease(queue, owner, TTL);
  if (fence === undefined) throw new Error(`no lease on ${queue}`);
  return fence;
}

function entry(queue: string, n: number, target = `${queue}:spacer0:p1:${1000 + n}`, changed = false): MoveEntry {
  const job = {
    body: Buffer.from(`body ${n}`), priority: 1 + (n % 3), state: [JobState.PENDING, JobState.FAILED, JobState.SUCCEEDED][n % 3] as JobState,
    attemptsAllowed: 3, attemptsRemaining: n % 3 === 1 ? 0 : 2, customStatus: `s${n}`,
  };
  return {
    sourceDescriptor: `${queue}:s1d1:p${job.priority}:${n}`, targetDescriptor: target, queue, state: job.state, priority: job.priority,
    sourceChecksum: jobChecksum(job), targetChecksum: jobChecksum(changed ? { ...job, customStatus: `${job.customStatus}!` } : job),
  };
}

describe('move ledger', () => {
  it('record is idempotent: an entry already recorded keeps its first target, in its migration only', async () => {
    const fence = await leased('lq1', 'm-lq1');
    const first = [entry('lq1', 1), entry('lq1', 2)];
    const recorded = await ledger.record('m-lq1', fence, first);
    expect(recorded).toEqual(new Map(first.map((e) => [e.sourceDescriptor, e.targetDescriptor])));
    expect(await ledger.record('m-lq1', fence, first)).toEqual(recorded);
    const retargeted = [entry('lq1', 1, 'lq1:spacer2:p2:77'), entry('lq1', 3)];
    expect(await ledger.record('m-lq1', fence, retargeted)).toEqual(new Map([
      [first[0]?.sourceDescriptor as string, first[0]?.targetDescriptor as string],
      [retargeted[1]?.sourceDescriptor as string, retargeted[1]?.targetDescriptor as string],
    ]));
    expect(await ledger.targetsOf('m-lq1', [first[0]?.sourceDescriptor as string, 'lq1:s1d1:p1:999'])).toEqual(
      new Map([[first[0]?.sourceDescriptor as string, first[0]?.targetDescriptor as string]]),
    );
    expect(await ledger.targetsOf('m-other', [first[0]?.sourceDescriptor as string])).toEqual(new Map());
    expect((await ledger.summary('m-lq1')).moved).toBe(3);
  });

  it('two racing records of the same sources agree on one winner per source', async () => {
    const fence = await leased('lq2', 'm-lq2');
    const n = 300;
    const left = Array.from({ length: n }, (_, i) => entry('lq2', i, `lq2:spacer0:p1:${10_000 + i}`));
    const right = Array.from({ length: n }, (_, i) => entry('lq2', i, `lq2:spacer1:p1:${20_000 + i}`)).reverse();
    const [l, r] = await Promise.all([ledger.record('m-lq2', fence, left), ledger.record('m-lq2', fence, right)]);
    expect(l).toEqual(r);
    expect(l.size).toBe(n);
    for (const e of left) expect([e.targetDescriptor, `lq2:spacer1:p1:${20_000 + Number(e.sourceDescriptor.split(':')[3])}`]).toContain(l.get(e.sourceDescriptor));
    expect(await ledger.targetsOf('m-lq2', left.map((e) => e.sourceDescriptor))).toEqual(l);
    expect((await ledger.summary('m-lq2')).moved).toBe(n);
  });

  it('resolve: the newest move of each descriptor; never moved: absent; more than 1,000 descriptors refused', async () => {
    const fence1 = await leased('lq3', 'm-lq3-a');
    await ledger.record('m-lq3-a', fence1, [entry('lq3', 1, 'lq3:spacer0:p1:501'), entry('lq3', 2, 'lq3:spacer0:p1:502')]);
    await states.setStatus('lq3', 'm-lq3-a', 'complete');
    time.advance(1000);
    const fence2 = await leased('lq3', 'm-lq3-b');
    // The same source recorded again by a later migration (a move back and forth): the later target wins.
    await ledger.record('m-lq3-b', fence2, [entry('lq3', 1, 'lq3:s1d2:p1:9001')]);
    const resolved = await ledger.resolve(['lq3:s1d1:p2:1', 'lq3:s1d1:p3:2', 'lq3:s1d1:p1:404']);
    expect(resolved).toEqual(new Map([['lq3:s1d1:p2:1', 'lq3:s1d2:p1:9001'], ['lq3:s1d1:p3:2', 'lq3:spacer0:p1:502']]));
    expect(await ledger.resolve([])).toEqual(new Map());
    const many = Array.from({ length: 1001 }, (_, i) => `lq3:s1d1:p1:${i}`);
    await expect(ledger.resolve(many)).rejects.toMatchObject({ code: ErrorCode.UNKNOWN, message: expect.stringMatching(/at most 1000/) });
    expect((await ledger.resolve(many.slice(0, 1000))).size).toBe(0);
  });

  it('summary: counts per state and checksum sums equal to the sums of the entries (paged); mismatches listed', async () => {
    const fence = await leased('lq4', 'm-lq4');
    const entries = Array.from({ length: 23 }, (_, i) => entry('lq4', i, undefined, i === 5 || i === 17));
    await ledger.record('m-lq4', fence, entries.slice(0, 10));
    await ledger.record('m-lq4', fence, entries.slice(10));
    const summary = await ledger.summary('m-lq4');
    expect(summary).toEqual({
      moved: 23,
      movedByState: {
        [JobState.PENDING]: entries.filter((e) => e.state === JobState.PENDING).length,
        [JobState.FAILED]: entries.filter((e) => e.state === JobState.FAILED).length,
        [JobState.SUCCEEDED]: entries.filter((e) => e.state === JobState.SUCCEEDED).length,
      },
      sourceChecksum: sumChecksums(entries.map((e) => e.sourceChecksum)),
      targetChecksum: sumChecksums(entries.map((e) => e.targetChecksum)),
      mismatched: 2,
    });
    expect(summary.sourceChecksum).not.toBe(summary.targetChecksum);
    const mismatched = [entries[5], entries[17]] as MoveEntry[];
    expect(await ledger.mismatches('m-lq4', 10)).toEqual([...mismatched].sort((a, b) => (a.sourceDescriptor < b.sourceDescriptor ? -1 : 1)));
    expect(await ledger.mismatches('m-lq4', 1)).toHaveLength(1);
    expect(await ledger.summary('m-none')).toEqual({ moved: 0, movedByState: {}, sourceChecksum: '0'.repeat(16), targetChecksum: '0'.repeat(16), mismatched: 0 });
  });

  it('a record with a lost lease records nothing (LeaseLostError); entries that do not fit their columns are refused', async () => {
    const fence = await leased('lq5', 'm-lq5', 'copier-old');
    time.advance(TTL + 1);
    const taker = await states.acquireLease('lq5', 'copier-new', TTL);
    expect(taker?.epoch).toBeGreaterThan(fence.epoch);
    await expect(ledger.record('m-lq5', fence, [entry('lq5', 1)])).rejects.toBeInstanceOf(LeaseLostError);
    expect(await ledger.targetsOf('m-lq5', [entry('lq5', 1).sourceDescriptor])).toEqual(new Map());
    await expect(ledger.record('m-lq5', taker as LeaseFence, [{ ...entry('lq5', 2), sourceChecksum: 'XYZ' }])).rejects.toMatchObject({ code: ErrorCode.UNKNOWN });
    await expect(ledger.record('m-lq5', taker as LeaseFence, [{ ...entry('lq5', 2), targetDescriptor: 'x'.repeat(401) }])).rejects.toMatchObject({ code: ErrorCode.UNKNOWN });
    expect((await ledger.record('m-lq5', taker as LeaseFence, [entry('lq5', 2)])).size).toBe(1);
  });
});

describe('copier lease', () => {
  it('one owner at a time; a lapsed lease taken by another owner fences the old one (progress, renew, release are no-ops)', async () => {
    const old = await leased('lease1', 'm-lease1', 'copier-a');
    expect(await states.acquireLease('lease1', 'copier-b', TTL)).toBeUndefined();
    expect(await states.acquireLease('lease1', 'copier-a', TTL)).toEqual(old); // the holder again: same epoch
    expect(await states.recordProgress(old, { moved: { [JobState.PENDING]: 5, [JobState.FAILED]: 1 }, firstSeenTableVersion: 7 })).toBe(true);

    time.advance(TTL + 1);
    const fresh = await states.acquireLease('lease1', 'copier-b', TTL);
    expect(fresh).toMatchObject({ queue: 'lease1', owner: 'copier-b' });
    expect(fresh?.epoch).toBeGreaterThan(old.epoch);
    const before = await states.get('lease1');

    expect(await states.recordProgress(old, { moved: { [JobState.PENDING]: 100 }, lastError: 'stale copier' })).toBe(false);
    expect(await states.renewLease(old, TTL)).toBe(false);
    await states.releaseLease(old);
    expect(await states.get('lease1')).toEqual(before);

    const holder = fresh as LeaseFence;
    expect(await states.recordProgress(holder, { moved: { [JobState.SUCCEEDED]: 2 }, sourceEmptySinceMs: 123, firstSeenTableVersion: 9, lastError: 'x'.repeat(1500) })).toBe(true);
    expect(await states.get('lease1')).toMatchObject({
      leaseOwner: 'copier-b', leaseEpoch: holder.epoch, movedPending: 5, movedFailed: 1, movedSucceeded: 2,
      firstSeenTableVersion: 7, sourceEmptySinceMs: 123, lastError: 'x'.repeat(1000),
    });
    expect(await states.recordProgress(holder, { sourceEmptySinceMs: null, lastError: null })).toBe(true);
    expect(await states.get('lease1')).toMatchObject({ sourceEmptySinceMs: null, lastError: null, movedPending: 5 });

    await states.releaseLease(holder);
    expect(await states.recordProgress(holder, { moved: { [JobState.PENDING]: 1 } })).toBe(false);
    const next = await states.acquireLease('lease1', 'copier-a', TTL);
    expect(next?.epoch).toBeGreaterThan(holder.epoch);
    expect(await states.renewLease(next as LeaseFence, TTL)).toBe(true);
  });
});
