/**
 * The copier's per-queue work state in Pacer's database (pacer/src/migration-store/
 * migration-state-store.ts, `queue_migrations`), against real MariaDB (a fresh database), time
 * from a fake clock: start (one copying migration per queue; a finished one is replaced with its
 * lease fenced), the operator's pause and rate, status, get and list. Lease fencing itself:
 * pacer-move-ledger.test.ts.
 */
import type { Pool } from 'mysql2/promise';
import { createMysqlPool, MigrationStateStore } from '../../pacer';
import { MigrationInProgressError } from '../../core/src/migration/migration-state';
import { JobState } from '../../core/src/types/job-state';
import { ErrorCode } from '../../core/src/errors/error-code';
import { fakeTime, type FakeTime } from '../support/fake-time';
import { assertNoLeaks } from '../support/leak-check';
import { freshPacerDb, type PacerDb } from './pacer-fixtures';

let fx: PacerDb;
let pool: Pool;
let time: FakeTime;
let states: MigrationStateStore;

beforeAll(async () => {
  fx = await freshPacerDb();
  pool = createMysqlPool({ ...fx.mysql, connectionLimit: 4, connectTimeoutMs: 5000 });
  time = fakeTime({ startMs: 1_700_000_000_000 });
  states = new MigrationStateStore(pool, time.clock);
});
afterAll(async () => {
  await pool?.end();
  await fx?.db.drop();
});
afterAll(assertNoLeaks);

const start = (queue: string, migrationId: string, extra: { replacing?: string; direction?: 'to-pacer' | 'to-legacy' } = {}) =>
  states.start({ queue, migrationId, direction: extra.direction ?? 'to-pacer', legacyCluster: 'legacy-1', rateLimitPerS: 250, ...(extra.replacing === undefined ? {} : { replacing: extra.replacing }) });

it('start creates the row (copying, unleased, counters 0); starting it again changes nothing', async () => {
  const row = await start('st1', 'm1');
  expect(row).toEqual({
    queue: 'st1', migrationId: 'm1', direction: 'to-pacer', legacyCluster: 'legacy-1', status: 'copying', paused: false,
    rateLimitPerS: 250, leaseOwner: null, leaseExpiresMs: 0, leaseEpoch: 0, startedAtMs: time.clock.nowMs(),
    firstSeenTableVersion: null, sourceEmptySinceMs: null, movedPending: 0, movedFailed: 0, movedSucceeded: 0, lastError: null,
    updatedAtMs: time.clock.nowMs(),
  });
  const fence = await states.acquireLease('st1', 'copier', 1000);
  time.advance(5);
  expect(await start('st1', 'm1')).toMatchObject({ leaseOwner: 'copier', leaseEpoch: fence?.epoch, startedAtMs: row.startedAtMs });
  expect(await states.get('st1')).toEqual(await start('st1', 'm1'));
});

it('another migration is refused while one is copying, unless it names the one it replaces; a finished one is replaced and its copier fenced', async () => {
  await start('st2', 'm-a');
  const fence = await states.acquireLease('st2', 'copier-a', 60_000);
  expect(await states.recordProgress(fence!, { moved: { [JobState.PENDING]: 3 }, firstSeenTableVersion: 4 })).toBe(true);
  const refused = await start('st2', 'm-b').then(() => undefined, (e: unknown) => e);
  expect(refused).toBeInstanceOf(MigrationInProgressError);
  expect(refused).toMatchObject({ queue: 'st2', migrationId: 'm-a' });
  expect(await states.get('st2')).toMatchObject({ migrationId: 'm-a', movedPending: 3 });

  await states.setStatus('st2', 'm-a', 'complete');
  time.advance(10);
  const replaced = await start('st2', 'm-b', { direction: 'to-legacy' });
  expect(replaced).toMatchObject({
    migrationId: 'm-b', direction: 'to-legacy', status: 'copying', leaseOwner: null, movedPending: 0, firstSeenTableVersion: null,
    startedAtMs: time.clock.nowMs(),
  });
  expect(replaced.leaseEpoch).toBeGreaterThan(fence!.epoch);
  // The previous migration's copier (its lease not even expired) writes nothing any more.
  expect(await states.recordProgress(fence!, { moved: { [JobState.PENDING]: 1 } })).toBe(false);
  expect(await states.renewLease(fence!, 60_000)).toBe(false);

  expect(await start('st2', 'm-c', { replacing: 'm-b' })).toMatchObject({ migrationId: 'm-c', status: 'copying' });
  await expect(start('st2', 'm-d', { replacing: 'm-b' })).rejects.toBeInstanceOf(MigrationInProgressError);
});

it('pause, rate and status: written for the queue (status only for its migration); a queue without a migration is an error', async () => {
  await start('st3', 'm3');
  time.advance(7);
  await states.setPaused('st3', true);
  await states.setRate('st3', 12.5);
  expect(await states.get('st3')).toMatchObject({ paused: true, rateLimitPerS: 12.5, updatedAtMs: time.clock.nowMs() });
  await states.setPaused('st3', false);
  expect((await states.get('st3'))?.paused).toBe(false);
  await expect(states.setStatus('st3', 'm-other', 'finalized')).rejects.toMatchObject({ code: ErrorCode.UNKNOWN });
  await states.setStatus('st3', 'm3', 'finalized');
  expect((await states.get('st3'))?.status).toBe('finalized');
  for (const rate of [0, -1, Number.NaN, 2_000_000]) await expect(states.setRate('st3', rate)).rejects.toMatchObject({ code: ErrorCode.UNKNOWN });
  await expect(states.setPaused('st-none', true)).rejects.toMatchObject({ code: ErrorCode.UNKNOWN });
  await expect(states.setRate('st-none', 5)).rejects.toMatchObject({ code: ErrorCode.UNKNOWN });
  expect(await states.get('st-none')).toBeUndefined();
  expect(await states.acquireLease('st-none', 'copier', 1000)).toBeUndefined();
  await expect(states.recordProgress({ queue: 'st3', owner: 'x', epoch: 0 }, { moved: { [JobState.IN_PROGRESS]: 1 } })).rejects.toMatchObject({ code: ErrorCode.UNKNOWN });
});

it('list: every queue, by name', async () => {
  await start('st0', 'm0');
  const queues = (await states.list()).map((r) => r.queue);
  expect(queues).toEqual([...queues].sort());
  expect(queues).toEqual(expect.arrayContaining(['st0', 'st1', 'st2', 'st3']));
});
