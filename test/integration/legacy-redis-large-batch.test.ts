/**
 * PinLater's dequeue and retry scripts ZADD all ids through one Lua `unpack`, which fails for
 * >= 4000 ids after the ids were already removed from their source set, losing them (FACTS §6.4,
 * §11.22). Our scripts ZADD in chunks, and the store calls them for at most 1000 ids at a time
 * (issue 8): nothing is lost.
 */
import { JobState } from '../../core/src/types/job-state';
import { stateZsetKey } from '../../legacy-adapter/src/redis/keys';
import { assertNoLeaks } from '../support/leak-check';
import { newJob, openStoreFixture, type StoreFixture } from './legacy-redis-fixtures';

const Q = 'big_q';
const N = 4500;
let f: StoreFixture;

beforeAll(async () => {
  f = await openStoreFixture({ socketTimeoutMs: 10_000 });
});
afterAll(async () => {
  await f.close();
});
afterAll(assertNoLeaks);

it(`dequeues, fails and retries ${N} ids in single store calls without losing any`, async () => {
  await Promise.all(Array.from({ length: N }, (_, i) => f.store.enqueue(Q, newJob(`b${i}`, { attemptsAllowed: 1 }))));
  const key = (s: JobState): string => stateZsetKey(f.shard, Q, 1, s);
  expect(await f.raw.zCard(key(JobState.PENDING))).toBe(N);

  const jobs = await f.store.dequeue(Q, 1, 5000, 'claim');
  expect(jobs).toHaveLength(N);
  expect(new Set(jobs.map((j) => j.localId)).size).toBe(N);
  expect(await f.raw.zCard(key(JobState.PENDING))).toBe(0);
  expect(await f.raw.zCard(key(JobState.IN_PROGRESS))).toBe(N);

  await Promise.all(jobs.map((j) => f.store.ackFailed(Q, 1, j.localId, '', 0)));
  expect(await f.raw.zCard(key(JobState.FAILED))).toBe(N);

  expect(await f.store.retryFailed(Q, 1, 5000, 2, f.clock.nowMs())).toBe(N);
  expect(await f.raw.zCard(key(JobState.FAILED))).toBe(0);
  expect(await f.raw.zCard(key(JobState.PENDING))).toBe(N);
  expect(await f.store.count(Q, 1, JobState.PENDING, false, undefined)).toBe(N);
});
