/**
 * Interoperability with a real PinLater server on the same Redis: keys written by hand exactly as
 * PinLater's Java + Lua write them (HMSET with Java Double.toString times, ZADD with those texts)
 * are dequeued, looked up, counted, scanned, acked, retried and deleted by our store; and what our
 * store writes is read back with the raw commands PinLater's code uses.
 */
import { JobState } from '../../core/src/types/job-state';
import { jobHashKey, jobIdCounterKey, queueNamesKey, stateZsetKey } from '../../legacy-adapter/src/redis/keys';
import { assertNoLeaks } from '../support/leak-check';
import { newJob, openStoreFixture, type StoreFixture } from './legacy-redis-fixtures';

const Q = 'interop_q';
const NOW = 1_700_000_100_000;
let f: StoreFixture;

beforeEach(async () => {
  f = await openStoreFixture({ nowMs: NOW });
});
afterEach(async () => {
  await f.close();
});
afterAll(assertNoLeaks);

/** What PinLater's createQueue + ENQUEUE_JOB leave behind (Java-formatted ARGV strings). */
async function pinlaterEnqueue(id: number, body: string, opts: { prio?: number; runAfter?: string; al?: number; cs?: string; created?: string } = {}): Promise<void> {
  const created = opts.created ?? '1.7000000005E9';
  await f.raw.zAdd(queueNamesKey(f.shard), { score: Number('1.7E9'), value: Q }, { NX: true });
  await f.raw.set(jobIdCounterKey(f.shard, Q), String(id));
  await f.raw.sendCommand([
    'HMSET', jobHashKey(f.shard, Q, id),
    'bd', body, 'al', String(opts.al ?? 3), 'ar', String(opts.al ?? 3), 'ca', created, 'ua', created, 'cs', opts.cs ?? '',
  ]);
  await f.raw.sendCommand(['ZADD', stateZsetKey(f.shard, Q, opts.prio ?? 1, JobState.PENDING), opts.runAfter ?? created, String(id)]);
}

describe('jobs written by PinLater', () => {
  it('are listed, counted, scanned, looked up, dequeued and acked by our store', async () => {
    await pinlaterEnqueue(1, 'job_body_1', { runAfter: '1.7000000015E9', cs: 'from java' });
    await pinlaterEnqueue(2, 'job_body_2', { runAfter: '1.7000009E9' }); // future
    expect(await f.store.listQueues()).toEqual(new Set([Q]));
    expect(await f.store.count(Q, 1, JobState.PENDING, false, undefined)).toBe(1);
    expect(await f.store.count(Q, 1, JobState.PENDING, true, undefined)).toBe(1);
    expect(await f.store.count(Q, 1, JobState.PENDING, true, 'job_body_.*')).toBe(1);
    const scanned = await f.store.scan(Q, 1, JobState.PENDING, false, 10, undefined);
    expect(scanned).toEqual([
      {
        localId: 1, state: JobState.PENDING, attemptsAllowed: 3, attemptsRemaining: 3, customStatus: 'from java',
        createdAtMs: 1_700_000_000_500, updatedAtMs: 1_700_000_000_500, runAfterMs: 1_700_000_001_500,
      },
    ]);
    expect(await f.store.lookup(Q, 1, 1, true)).toMatchObject({ state: JobState.PENDING, body: Buffer.from('job_body_1'), customStatus: 'from java' });

    const [job] = await f.store.dequeue(Q, 1, 10, 'srv:9010:1:worker:1');
    expect(job).toEqual({
      localId: 1, body: Buffer.from('job_body_1'), attemptsAllowed: 3, attemptsRemaining: 3,
      createdAtMs: 1_700_000_000_500, updatedAtMs: 1_700_000_000_500,
    });
    await f.store.ackFailed(Q, 1, 1, 'retry me', 0);
    expect(await f.raw.hGetAll(jobHashKey(f.shard, Q, 1))).toEqual({
      bd: 'job_body_1', al: '3', ar: '2', ca: '1.7000000005E9', ua: '1.7000001E9', cs: 'retry me',
    });
    // Our next enqueue continues PinLater's counter.
    expect(await f.store.enqueue(Q, newJob('ours'))).toBe(3);
  });

  it('failed jobs written by PinLater are retried and deleted by our store', async () => {
    await pinlaterEnqueue(7, 'x', { al: 1 });
    await f.raw.zRem(stateZsetKey(f.shard, Q, 1, JobState.PENDING), '7');
    await f.raw.sendCommand(['ZADD', stateZsetKey(f.shard, Q, 1, JobState.FAILED), '1.7000000009E9', '7']);
    await f.raw.sendCommand(['HMSET', jobHashKey(f.shard, Q, 7), 'ar', '0', 'cd', 'old:claim']);
    expect(await f.store.lookup(Q, 1, 7, false)).toMatchObject({ state: JobState.FAILED, attemptsRemaining: 0, claimDescriptor: 'old:claim', runAfterMs: 1_700_000_000_900 });
    expect(await f.store.retryFailed(Q, 1, 10, 2, NOW)).toBe(1);
    expect(await f.raw.hGetAll(jobHashKey(f.shard, Q, 7))).toMatchObject({ ar: '2', ua: '1.7000001E9' });
    expect(await f.store.deleteJobs(Q, 1, JobState.PENDING, 10, '')).toBe(1);
    expect(await f.raw.exists(jobHashKey(f.shard, Q, 7))).toBe(0);
  });

  it('a claim written by PinLater is checkpointed by its source and timed out by our monitor', async () => {
    await pinlaterEnqueue(1, 'a', { al: 2 });
    await pinlaterEnqueue(2, 'b', { al: 2 });
    const inProgress = stateZsetKey(f.shard, Q, 1, JobState.IN_PROGRESS);
    for (const id of ['1', '2']) {
      await f.raw.zRem(stateZsetKey(f.shard, Q, 1, JobState.PENDING), id);
      await f.raw.sendCommand(['ZADD', inProgress, '1.7000000008E9', id]);
      await f.raw.sendCommand(['HMSET', jobHashKey(f.shard, Q, id), 'ua', '1.7000000008E9', 'cd', 'javahost:9010:1699999999000:pinlaterexampleworker:myhost:12']);
    }
    expect(await f.store.checkpoint(Q, 1, 1, 'pinlaterexampleworker:myhost', { descriptor: '', moveToPending: false })).toBe(true);
    const result = await f.store.runMonitor(3, { claimTimeoutMs: 60_000, succeededTtlMs: 1, failedTtlMs: 1, updateMaxSize: 10, runStartMs: NOW });
    expect(result.queues[Q]).toMatchObject({ timeoutRetry: 1, timeoutDone: 0 });
    expect(await f.raw.zRangeWithScores(stateZsetKey(f.shard, Q, 1, JobState.PENDING), 0, -1)).toEqual([{ value: '2', score: 1700000100 }]);
    expect((await f.raw.zRangeWithScores(inProgress, 0, -1)).map((e) => e.value)).toEqual(['1']);
  });
});

describe('jobs written by our store, read the way PinLater reads them', () => {
  it('HMGET/ZSCORE/ZRANGEBYSCORE see PinLater-shaped values', async () => {
    await f.store.createQueue(Q);
    const id = await f.store.enqueue(Q, newJob('payload', { priority: 2, attemptsAllowed: 4, customStatus: 'c', runAfterMs: 1_700_000_050_250 }));
    // RedisQueueMonitor / getQueueNames
    expect(await f.raw.zRange(queueNamesKey(f.shard), 0, -1)).toEqual([Q]);
    // DEQUEUE_JOBS's ZRANGEBYSCORE pending -inf now
    expect(await f.raw.sendCommand(['ZRANGEBYSCORE', stateZsetKey(f.shard, Q, 2, JobState.PENDING), '-inf', '1.7000001E9', 'LIMIT', '0', '10'])).toEqual([String(id)]);
    // lookup's HMGET: Java does Integer.valueOf(al), Double.valueOf(ca) * 1000
    const [al, ar, cs, ca, ua, cd, bd] = await f.raw.hmGet(jobHashKey(f.shard, Q, id), ['al', 'ar', 'cs', 'ca', 'ua', 'cd', 'bd']);
    expect([al, ar, cs, cd, bd]).toEqual(['4', '4', 'c', null, 'payload']);
    expect(Math.trunc(Number(ca) * 1000)).toBe(NOW);
    expect(ua).toBe('1.7000001E9');
    expect(Math.trunc((await f.raw.zScore(stateZsetKey(f.shard, Q, 2, JobState.PENDING), String(id)))! * 1000)).toBe(1_700_000_050_250);
  });
});
