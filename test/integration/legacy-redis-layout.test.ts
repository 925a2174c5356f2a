/**
 * The legacy Redis store writes PinLater's own layout (FACTS §6.2, §6.4), asserted key by key and
 * field by field with raw commands, i.e. the way PinLater's Java/Lua code reads it back.
 */
import { JobState } from '../../core/src/types/job-state';
import { jobHashKey, jobIdCounterKey, queueNamesKey, stateZsetKey } from '../../legacy-adapter/src/redis/keys';
import { assertNoLeaks } from '../support/leak-check';
import { newJob, openStoreFixture, type StoreFixture } from './legacy-redis-fixtures';

const Q = 'layout_q';
const T0 = 1_700_000_000_123; // written as '1.700000000123E9'
let f: StoreFixture;

beforeEach(async () => {
  f = await openStoreFixture({ nowMs: T0 });
});
afterEach(async () => {
  await f.close();
});
afterAll(assertNoLeaks);

const zkey = (state: JobState, prio = 1): string => stateZsetKey(f.shard, Q, prio, state);
const hkey = (id: number): string => jobHashKey(f.shard, Q, id);

describe('queue names (pln_<shard>)', () => {
  it('createQueue adds the name with the creation time and keeps the first one', async () => {
    await f.store.createQueue(Q);
    f.clock.advance(5000);
    await f.store.createQueue(Q);
    expect(await f.zset(queueNamesKey(f.shard))).toEqual([[Q, 1700000000.123]]);
    expect(await f.store.listQueues()).toEqual(new Set([Q]));
  });
});

describe('enqueue', () => {
  it('writes the counter, the hash with Java-formatted times and the pending ZSET', async () => {
    f.clock.ms = 1_700_000_000_000;
    const id = await f.store.enqueue(Q, newJob('hello', { attemptsAllowed: 3, customStatus: 'st', priority: 2 }));
    expect(id).toBe(1);
    expect(await f.raw.get(jobIdCounterKey(f.shard, Q))).toBe('1');
    expect(await f.raw.hGetAll(hkey(1))).toEqual({ bd: 'hello', al: '3', ar: '3', ca: '1.7E9', ua: '1.7E9', cs: 'st' });
    expect(await f.zset(zkey(JobState.PENDING, 2))).toEqual([['1', 1700000000]]);
    expect(await f.raw.exists(zkey(JobState.PENDING, 1))).toBe(0);
  });

  it('uses the run-after when set and now when it is 0 or unset; ids are shared by priorities', async () => {
    expect(await f.store.enqueue(Q, newJob('a', { runAfterMs: 1_800_000_000_456 }))).toBe(1);
    expect(await f.store.enqueue(Q, newJob('b', { runAfterMs: 0 }))).toBe(2);
    expect(await f.store.enqueue(Q, newJob('c', { priority: 3 }))).toBe(3);
    expect(await f.zset(zkey(JobState.PENDING))).toEqual([
      ['2', 1700000000.123],
      ['1', 1800000000.456],
    ]);
    expect(await f.zset(zkey(JobState.PENDING, 3))).toEqual([['3', 1700000000.123]]);
    expect(await f.raw.hGet(hkey(1), 'ca')).toBe('1.700000000123E9');
  });

  it('stores the body bytes verbatim (no UTF-8 transcoding)', async () => {
    const body = Buffer.from([0xff, 0x00, 0xc3, 0x28, 0x80, 0x41]);
    const id = await f.store.enqueue(Q, newJob(body));
    expect((await f.hashBytes(hkey(id))).bd).toEqual(body);
    const [job] = await f.store.dequeue(Q, 1, 1, 'claim');
    expect(job?.body).toEqual(body);
    expect((await f.store.lookup(Q, 1, id, true))?.body).toEqual(body);
  });

  it('truncates the custom status to 3000 UTF-16 units; a split surrogate pair ends in ?', async () => {
    const long = `${'x'.repeat(2999)}\u{1F600}tail`;
    const id = await f.store.enqueue(Q, newJob('b', { customStatus: long }));
    expect(await f.raw.hGet(hkey(id), 'cs')).toBe(`${'x'.repeat(2999)}?`);
    const id2 = await f.store.enqueue(Q, newJob('b', { customStatus: 'é'.repeat(3500) }));
    expect(await f.raw.hGet(hkey(id2), 'cs')).toBe('é'.repeat(3000));
  });
});

describe('dequeue', () => {
  it('moves eligible ids (lowest score first, ties by member text) to in-progress and stamps ua/cd', async () => {
    for (let i = 0; i < 10; i++) await f.store.enqueue(Q, newJob(`j${i + 1}`));
    await f.store.enqueue(Q, newJob('future', { runAfterMs: T0 + 60_000 }));
    f.clock.advance(1000);
    const jobs = await f.store.dequeue(Q, 1, 3, 'host:9010:1:src:1');
    // All ten share one score: member order is by text, so "10" comes before "2".
    expect(jobs.map((j) => j.localId)).toEqual([1, 10, 2]);
    expect(jobs[0]).toEqual({
      localId: 1,
      body: Buffer.from('j1'),
      attemptsAllowed: 3,
      attemptsRemaining: 3,
      createdAtMs: T0,
      updatedAtMs: T0,
    });
    expect(await f.zset(zkey(JobState.IN_PROGRESS))).toEqual([
      ['1', 1700000001.123],
      ['10', 1700000001.123],
      ['2', 1700000001.123],
    ]);
    expect(await f.raw.hGetAll(hkey(1))).toEqual({
      bd: 'j1', al: '3', ar: '3', ca: '1.700000000123E9', ua: '1.700000001123E9', cs: '', cd: 'host:9010:1:src:1',
    });
    expect(await f.raw.zCard(zkey(JobState.PENDING))).toBe(8);
    expect(await f.store.dequeue(Q, 1, 100, 'c2')).toHaveLength(7); // the future job stays
  });

  it('moves an id whose hash was evicted to in-progress without returning it', async () => {
    await f.store.enqueue(Q, newJob('a'));
    await f.store.enqueue(Q, newJob('b'));
    await f.raw.del(hkey(1));
    const jobs = await f.store.dequeue(Q, 1, 10, 'c');
    expect(jobs.map((j) => j.localId)).toEqual([2]);
    expect((await f.zset(zkey(JobState.IN_PROGRESS))).map(([m]) => m)).toEqual(['1', '2']);
    expect(await f.raw.exists(hkey(1))).toBe(0);
  });

  it('dry run (peek) reads without writing and skips evicted hashes', async () => {
    await f.store.enqueue(Q, newJob('a'));
    await f.store.enqueue(Q, newJob('b'));
    await f.raw.del(hkey(1));
    const peeked = await f.store.peek(Q, 1, 10);
    expect(peeked.map((j) => [j.localId, j.body.toString()])).toEqual([[2, 'b']]);
    expect(await f.raw.zCard(zkey(JobState.PENDING))).toBe(2);
    expect(await f.raw.hExists(hkey(2), 'cd')).toBe(0);
  });
});

describe('acks', () => {
  async function claimed(body = 'x', attemptsAllowed = 2): Promise<number> {
    const id = await f.store.enqueue(Q, newJob(body, { attemptsAllowed, customStatus: 'old' }));
    await f.store.dequeue(Q, 1, 1, 'claim-1');
    return id;
  }

  it('success: in-progress → succeeded at now, cs overwritten, ua = now, cd kept', async () => {
    const id = await claimed();
    f.clock.advance(2000);
    await f.store.ackSucceeded(Q, 1, id, 'done');
    expect(await f.raw.zCard(zkey(JobState.IN_PROGRESS))).toBe(0);
    expect(await f.zset(zkey(JobState.SUCCEEDED))).toEqual([['1', 1700000002.123]]);
    expect(await f.raw.hGetAll(hkey(id))).toEqual({
      bd: 'x', al: '2', ar: '2', ca: '1.700000000123E9', ua: '1.700000002123E9', cs: 'done', cd: 'claim-1',
    });
  });

  it('success with "" clears the status; an ack of a job not in progress is a no-op', async () => {
    const id = await claimed();
    await f.store.ackSucceeded(Q, 1, id, '');
    expect(await f.raw.hGet(hkey(id), 'cs')).toBe('');
    const before = await f.raw.hGetAll(hkey(id));
    await f.store.ackSucceeded(Q, 1, id, 'again');
    await f.store.ackFailed(Q, 1, id, 'again', 0);
    await f.store.ackSucceeded(Q, 1, 999, 'unknown');
    expect(await f.raw.hGetAll(hkey(id))).toEqual(before);
    expect(await f.raw.exists(hkey(999))).toBe(0);
  });

  it('failure with attempts left: back to pending at now + delay, ar - 1, cd removed', async () => {
    const id = await claimed('x', 2);
    await f.store.ackFailed(Q, 1, id, 'boom', 1500);
    expect(await f.zset(zkey(JobState.PENDING))).toEqual([['1', 1700000001.623]]);
    expect(await f.raw.hGetAll(hkey(id))).toEqual({
      bd: 'x', al: '2', ar: '1', ca: '1.700000000123E9', ua: '1.700000000123E9', cs: 'boom',
    });
  });

  it('failure on the last attempt: failed at now, ar 0, cd kept', async () => {
    const id = await claimed('x', 1);
    f.clock.advance(10);
    await f.store.ackFailed(Q, 1, id, 'final', 5000);
    expect(await f.zset(zkey(JobState.FAILED))).toEqual([['1', 1700000000.133]]);
    expect(await f.raw.hGetAll(hkey(id))).toMatchObject({ ar: '0', cs: 'final', cd: 'claim-1', ua: '1.700000000133E9' });
    expect(await f.raw.zCard(zkey(JobState.PENDING))).toBe(0);
  });

  it('failure of an evicted job drops the id everywhere', async () => {
    const id = await claimed();
    await f.raw.del(hkey(id));
    await f.store.ackFailed(Q, 1, id, 'x', 0);
    for (const s of [JobState.PENDING, JobState.IN_PROGRESS, JobState.FAILED]) expect(await f.raw.zCard(zkey(s))).toBe(0);
    expect(await f.raw.exists(hkey(id))).toBe(0);
  });
});

describe('checkpoint', () => {
  const claim = 'host.example:9010:1700000000000:worker-a.b:7';

  async function claimed(): Promise<number> {
    const id = await f.store.enqueue(Q, newJob('body', { customStatus: 'cs0' }));
    await f.store.dequeue(Q, 1, 1, claim);
    return id;
  }

  it('does nothing unless the claim contains the source (magic characters escaped)', async () => {
    const id = await claimed();
    const before = await f.raw.hGetAll(hkey(id));
    expect(await f.store.checkpoint(Q, 1, id, 'worker-b', { descriptor: '', moveToPending: true })).toBe(false);
    expect(await f.store.checkpoint(Q, 1, id, 'worker.a', { descriptor: '', moveToPending: true })).toBe(false);
    expect(await f.raw.hGetAll(hkey(id))).toEqual(before);
    expect(await f.raw.zCard(zkey(JobState.IN_PROGRESS))).toBe(1);
  });

  it('all parts: move to pending at runAfter, new body, attempts, prepended status, cd removed', async () => {
    const id = await claimed();
    const ok = await f.store.checkpoint(Q, 1, id, 'worker-a.b', {
      descriptor: '',
      moveToPending: true,
      runAfterMs: 1_700_000_100_000,
      newBody: 'new body',
      numOfAttemptsAllowed: 7,
      prependCustomStatus: 'pre|',
    });
    expect(ok).toBe(true);
    expect(await f.raw.zCard(zkey(JobState.IN_PROGRESS))).toBe(0);
    expect(await f.zset(zkey(JobState.PENDING))).toEqual([['1', 1700000100]]);
    expect(await f.raw.hGetAll(hkey(id))).toEqual({
      bd: 'new body', al: '7', ar: '7', ca: '1.700000000123E9', ua: '1.7000001E9', cs: 'pre|cs0',
    });
  });

  it('without moveToPending re-stamps the claim time (heartbeat) and keeps cd; prepend keeps 3000 bytes', async () => {
    const id = await claimed();
    f.clock.advance(30_000);
    expect(await f.store.checkpoint(Q, 1, id, '', { descriptor: '', moveToPending: false, prependCustomStatus: 'é'.repeat(1600) })).toBe(true);
    expect(await f.zset(zkey(JobState.IN_PROGRESS))).toEqual([['1', 1700000030.123]]);
    const h = await f.raw.hGetAll(hkey(id));
    expect(h.cd).toBe(claim);
    expect(h.ua).toBe('1.700000030123E9');
    expect(Buffer.byteLength(h.cs as string)).toBeLessThanOrEqual(3000);
    expect((await f.hashBytes(hkey(id))).cs?.length).toBe(3000);
  });

  it('as in PinLater, a checkpoint of a succeeded job from its source puts it in pending too', async () => {
    const id = await claimed();
    await f.store.ackSucceeded(Q, 1, id, 'ok');
    expect(await f.store.checkpoint(Q, 1, id, 'worker-a', { descriptor: '', moveToPending: true })).toBe(true);
    expect((await f.zset(zkey(JobState.SUCCEEDED))).map(([m]) => m)).toEqual(['1']);
    expect((await f.zset(zkey(JobState.PENDING))).map(([m]) => m)).toEqual(['1']);
  });
});

describe('lookup, count, scan', () => {
  it('lookup finds the state in order and reports runAfter = score of that set', async () => {
    const id = await f.store.enqueue(Q, newJob('b', { runAfterMs: 1_700_000_500_000, customStatus: 's' }));
    expect(await f.store.lookup(Q, 1, id, false)).toEqual({
      state: JobState.PENDING,
      attemptsAllowed: 3,
      attemptsRemaining: 3,
      customStatus: 's',
      createdAtMs: T0,
      updatedAtMs: T0,
      runAfterMs: 1_700_000_500_000,
    });
    expect(await f.store.lookup(Q, 2, id, false)).toBeNull();
    expect(await f.store.lookup(Q, 1, 42, false)).toBeNull();
    f.clock.ms = 1_700_000_600_000;
    await f.store.dequeue(Q, 1, 1, 'cl');
    expect(await f.store.lookup(Q, 1, id, true)).toMatchObject({
      state: JobState.IN_PROGRESS, claimDescriptor: 'cl', runAfterMs: 1_700_000_600_000, body: Buffer.from('b'),
    });
    await f.raw.hDel(hkey(id), 'al');
    expect(await f.store.lookup(Q, 1, id, false)).toBeNull();
    expect(f.stats.counter(`redis_job_hash_not_found_${Q}_${f.shard}_1_lookup`)).toBe(1);
  });

  it('count: current and future both include a score exactly equal to now', async () => {
    await f.store.enqueue(Q, newJob('now'));
    await f.store.enqueue(Q, newJob('past', { runAfterMs: T0 - 1000 }));
    await f.store.enqueue(Q, newJob('future', { runAfterMs: T0 + 1000 }));
    expect(await f.store.count(Q, 1, JobState.PENDING, false, undefined)).toBe(2);
    expect(await f.store.count(Q, 1, JobState.PENDING, true, undefined)).toBe(2);
    expect(await f.store.count(Q, 1, JobState.PENDING, false, 'p.st')).toBe(1);
    expect(await f.store.count(Q, 1, JobState.PENDING, false, '')).toBe(2);
    expect(await f.store.count(Q, 2, JobState.PENDING, false, undefined)).toBe(0);
    f.healthy.value = false;
    expect(await f.store.count(Q, 1, JobState.PENDING, false, undefined)).toBe(0);
  });

  it('scan: score descending, limit, evicted hashes skipped, Lua-pattern regex', async () => {
    for (let i = 1; i <= 5; i++) await f.store.enqueue(Q, newJob(i % 2 === 0 ? `even_${i}` : `odd_${i}`, { runAfterMs: T0 - i * 1000 }));
    await f.raw.hDel(hkey(2), 'bd');
    const all = await f.store.scan(Q, 1, JobState.PENDING, false, 10, undefined);
    expect(all.map((j) => j.localId)).toEqual([1, 3, 4, 5]);
    expect(all[0]).toEqual({
      localId: 1, state: JobState.PENDING, attemptsAllowed: 3, attemptsRemaining: 3, customStatus: '',
      createdAtMs: T0, updatedAtMs: T0, runAfterMs: T0 - 1000,
    });
    expect(f.stats.counter(`redis_job_hash_not_found_${Q}_${f.shard}_1_scan`)).toBe(1);
    // As PinLater: LIMIT 0 2 fetches ids 1 and 2, then the evicted 2 is dropped (no refill).
    expect((await f.store.scan(Q, 1, JobState.PENDING, false, 2, undefined)).map((j) => j.localId)).toEqual([1]);
    expect((await f.store.scan(Q, 1, JobState.PENDING, false, 10, '^even')).map((j) => j.localId)).toEqual([4]);
    expect((await f.store.scan(Q, 1, JobState.PENDING, false, 1, 'odd')).map((j) => j.localId)).toEqual([1]);
    expect(await f.store.scan(Q, 1, JobState.PENDING, true, 10, undefined)).toEqual([]);
  });
});

describe('retry, delete, deleteQueue', () => {
  async function failed(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const id = await f.store.enqueue(Q, newJob(`f${i}`, { attemptsAllowed: 1 }));
      await f.store.dequeue(Q, 1, 1, 'c');
      f.clock.advance(1);
      await f.store.ackFailed(Q, 1, id, '', 0);
    }
  }

  it('retryFailed moves the oldest failures to pending with new attempts, ua = runAfter, no cd', async () => {
    await failed(3);
    expect(await f.store.retryFailed(Q, 1, 2, 5, 1_700_000_900_000)).toBe(2);
    expect(await f.zset(zkey(JobState.PENDING))).toEqual([
      ['1', 1700000900],
      ['2', 1700000900],
    ]);
    expect(await f.raw.hGetAll(hkey(1))).toMatchObject({ al: '1', ar: '5', ua: '1.7000009E9' });
    expect(await f.raw.hExists(hkey(1), 'cd')).toBe(0);
    expect((await f.zset(zkey(JobState.FAILED))).map(([m]) => m)).toEqual(['3']);
  });

  it('deleteJobs removes the lowest scores and their hashes; with a pattern only matches', async () => {
    for (let i = 1; i <= 4; i++) await f.store.enqueue(Q, newJob(i <= 2 ? `keep${i}` : `drop${i}`, { runAfterMs: T0 + i }));
    expect(await f.store.deleteJobs(Q, 1, JobState.PENDING, 10, '^drop')).toBe(2);
    expect(await f.raw.exists([hkey(3), hkey(4)])).toBe(0);
    expect(await f.store.deleteJobs(Q, 1, JobState.PENDING, 1, undefined)).toBe(1);
    expect((await f.zset(zkey(JobState.PENDING))).map(([m]) => m)).toEqual(['2']);
    expect(await f.raw.exists(hkey(1))).toBe(0);
  });

  it('deleteQueue removes the name, every state set and hash, and keeps the id counter', async () => {
    await f.store.createQueue(Q);
    await failed(1);
    const ok = await f.store.enqueue(Q, newJob('s'));
    await f.store.dequeue(Q, 1, 1, 'c');
    await f.store.ackSucceeded(Q, 1, ok, '');
    await f.store.enqueue(Q, newJob('p', { priority: 3 }));
    await f.store.enqueue(Q, newJob('ip'));
    await f.store.dequeue(Q, 1, 1, 'c');
    await f.store.deleteQueue(Q);
    const left = await f.raw.keys(`pl?_${f.shard}_${Q}*`);
    expect(left).toEqual([jobIdCounterKey(f.shard, Q)]);
    expect(await f.raw.zCard(queueNamesKey(f.shard))).toBe(0);
  });
});

describe('monitor', () => {
  it('times out claims (retry or fail), drops evicted ids, GCs done jobs by completion time', async () => {
    await f.store.createQueue(Q);
    const a = await f.store.enqueue(Q, newJob('a', { attemptsAllowed: 2 }));
    const b = await f.store.enqueue(Q, newJob('b', { attemptsAllowed: 1 }));
    const c = await f.store.enqueue(Q, newJob('c', { attemptsAllowed: 1 }));
    await f.store.dequeue(Q, 1, 3, 'c');
    await f.raw.del(hkey(c));
    const s = await f.store.enqueue(Q, newJob('s'));
    await f.store.dequeue(Q, 1, 1, 'c');
    await f.store.ackSucceeded(Q, 1, s, '');
    const settings = { claimTimeoutMs: 1000, succeededTtlMs: 3000, failedTtlMs: 60_000, updateMaxSize: 100, runStartMs: T0 + 2000 };
    const result = await f.store.runMonitor(3, settings);
    expect(result).toEqual({ queues: { [Q]: { timeoutDone: 1, timeoutRetry: 1, timeoutEvicted: 1, succeededGc: 0, failedGc: 0 } } });
    expect(await f.zset(zkey(JobState.PENDING))).toEqual([[String(a), 1700000002.123]]);
    expect(await f.raw.hGetAll(hkey(a))).toMatchObject({ ar: '1', ua: '1.700000002123E9' });
    expect(await f.raw.hExists(hkey(a), 'cd')).toBe(0);
    expect(await f.zset(zkey(JobState.FAILED))).toEqual([[String(b), 1700000002.123]]);
    expect(await f.raw.hGetAll(hkey(b))).toMatchObject({ ar: '0', cd: 'c' });
    expect(await f.raw.zCard(zkey(JobState.IN_PROGRESS))).toBe(0);
    const later = await f.store.runMonitor(3, { ...settings, runStartMs: T0 + 3001 });
    expect(later.queues[Q]?.succeededGc).toBe(1);
    expect(await f.raw.exists(hkey(s))).toBe(0);
    expect(await f.raw.zCard(zkey(JobState.SUCCEEDED))).toBe(0);
    f.healthy.value = false;
    expect((await f.store.runMonitor(3, settings)).error).toMatch(/unhealthy/);
  });
});
