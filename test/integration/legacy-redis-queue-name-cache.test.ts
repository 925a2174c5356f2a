/**
 * The Redis queue-name cache under a flood of enqueues to names that do not exist (issue 8): each
 * unknown name makes PinLater reload the whole `pln_<shard>` set. Concurrent misses now share
 * one reload at a time (the one queued behind a running reload serves everyone who arrived
 * meanwhile), and a caller still sees every queue created before its call.
 */
import { QueueNotFoundError } from '../../core/src/errors/pinlater-error';
import type { ShardStore } from '../../core/src/interfaces/shard-store';
import { MemoryStats } from '../../core/src/interfaces/stats';
import { QueueNameCache } from '../../legacy-adapter/src/redis/queue-name-cache';
import { assertNoLeaks } from '../support/leak-check';
import { openStoreFixture, type StoreFixture } from './legacy-redis-fixtures';

let f: StoreFixture;
beforeAll(async () => {
  f = await openStoreFixture();
});
afterAll(async () => {
  await f.close();
});
afterAll(assertNoLeaks);

/** The real store, with its queue listings counted (and how many ran at once). */
function countingListings(store: ShardStore): { store: ShardStore; calls: () => number; maxConcurrent: () => number } {
  let calls = 0;
  let running = 0;
  let maxRunning = 0;
  const counted = Object.create(store) as ShardStore;
  counted.listQueues = async () => {
    calls++;
    maxRunning = Math.max(maxRunning, ++running);
    try {
      return await store.listQueues();
    } finally {
      running--;
    }
  };
  return { store: counted, calls: () => calls, maxConcurrent: () => maxRunning };
}

it('200 concurrent misses cost at most two reloads, one at a time; later queues are still found', async () => {
  await f.store.createQueue('known');
  const counted = countingListings(f.store);
  const stats = new MemoryStats();
  const cache = new QueueNameCache(() => [counted.store], stats);

  const misses = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => cache.ensureExists(`missing${i}`)));
  expect(misses.every((r) => r.status === 'rejected' && r.reason instanceof QueueNotFoundError)).toBe(true);
  expect(counted.calls()).toBeLessThanOrEqual(2);
  expect(counted.maxConcurrent()).toBe(1);
  expect(stats.counters.get('redis-queue-not-found-enqueue')).toBe(200);
  await cache.ensureExists('known');

  // A queue created while a reload runs is seen by a caller arriving after its creation.
  const running = cache.reloadShared();
  await f.store.createQueue('late');
  await expect(cache.ensureExists('late')).resolves.toBeUndefined();
  await running;
});
