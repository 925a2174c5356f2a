import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import type { QueueRoute } from '../../../core/src/routing/queue-route';
import { JobState } from '../../../core/src/types/job-state';
import { fakeTime } from '../../../test/support/fake-time';
import { InMemoryBackend } from '../../../test/support/in-memory-backend';
import { QueueBacklogReader } from './queue-backlog-reader';

const job = { body: Buffer.from('x'), priority: 1, attemptsAllowed: 1, customStatus: '' };

async function queueWith(backend: InMemoryBackend, queue: string, jobs: number): Promise<void> {
  await backend.createQueue(queue);
  if (jobs > 0) await backend.enqueueJobs({ queue, jobs: Array(jobs).fill(job) });
}

const listReads = (backend: InMemoryBackend): number => backend.calls.filter((c) => c.method === 'getQueueNames').length;
const code = (e: unknown): ErrorCode | undefined => (e instanceof PinLaterError ? e.code : undefined);

describe('single-backend gateway', () => {
  it('counts ready, future and in-progress jobs on its backend and names it', async () => {
    const time = fakeTime({ startMs: 1_700_000_000_000 });
    const backend = new InMemoryBackend();
    await queueWith(backend, 'q', 3);
    await backend.dequeueJobs({ queue: 'q', limit: 1, dryRun: false, coverage: 1, claimDescriptor: 'c' });
    const reader = new QueueBacklogReader({ kind: 'single', name: 'legacy-redis', backend }, time.clock, time.sleep);
    // (the in-memory backend ignores `future`: the real stores' answers are checked by test/integration/gateway-backlog-endpoint.test.ts)
    expect(await reader.read('q')).toEqual({ queue: 'q', ready: 2, inProgress: 1, future: 2, system: 'legacy-redis', atMs: 1_700_000_000_000 });
    const counts = backend.calls.filter((c) => c.method === 'getJobCount').map((c) => c.arg);
    expect(counts).toEqual([
      { queue: 'q', state: JobState.PENDING, future: false },
      { queue: 'q', state: JobState.PENDING, future: true },
      { queue: 'q', state: JobState.IN_PROGRESS, future: false },
    ]);
  });

  it('answers QUEUE_NOT_FOUND for a queue the backend does not list, without counting', async () => {
    const time = fakeTime();
    const backend = new InMemoryBackend();
    const reader = new QueueBacklogReader({ kind: 'single', name: 'pacer', backend }, time.clock, time.sleep);
    await expect(reader.read('nope')).rejects.toMatchObject({ code: ErrorCode.QUEUE_NOT_FOUND, message: 'Queue not found: nope' });
    expect(backend.calls.filter((c) => c.method === 'getJobCount')).toEqual([]);
  });

  it('looks a queue it does not know up in a list read after it was asked for, re-reading the list at most once a second whatever names are asked', async () => {
    const time = fakeTime({ startMs: 0 });
    const backend = new InMemoryBackend();
    await queueWith(backend, 'known', 1);
    const reader = new QueueBacklogReader({ kind: 'single', name: 'pacer', backend }, time.clock, time.sleep);
    expect(await reader.read('known')).toMatchObject({ ready: 1 });
    expect(listReads(backend)).toBe(1);
    await queueWith(backend, 'late', 2); // created after the list was read (through another gateway)
    expect(await reader.read('late')).toMatchObject({ ready: 2 });
    expect(time.waits).toEqual([1000]); // the list was read less than a second before: it waited for the second to pass
    expect(listReads(backend)).toBe(2);
    await reader.read('late');
    expect(listReads(backend)).toBe(2); // a queue found does not re-read the list
    const names = Array.from({ length: 50 }, (_, i) => `made_up_${i}`);
    const answers = await Promise.allSettled(names.map((n) => reader.read(n)));
    expect(answers.every((a) => a.status === 'rejected' && code(a.reason) === ErrorCode.QUEUE_NOT_FOUND)).toBe(true);
    expect(listReads(backend)).toBe(3); // the fifty shared one read
    expect(backend.calls.filter((c) => c.method === 'getJobCount' && (c.arg as { queue: string }).queue.startsWith('made_up'))).toEqual([]);
  });

  it('does not ask a failing backend for its queue list again within a second', async () => {
    const time = fakeTime({ startMs: 0 });
    const backend = new InMemoryBackend();
    await queueWith(backend, 'q', 0);
    backend.failNext = { method: 'getQueueNames', error: new PinLaterError(ErrorCode.SHARD_CONNECTION_FAILED, 'Redis connection to r1 failed') };
    const noSleep = new QueueBacklogReader({ kind: 'single', name: 'legacy-redis', backend }, time.clock, () => Promise.resolve());
    await expect(noSleep.read('q')).rejects.toMatchObject({ code: ErrorCode.SHARD_CONNECTION_FAILED });
    await expect(noSleep.read('other')).rejects.toMatchObject({ code: ErrorCode.SHARD_CONNECTION_FAILED });
    expect(listReads(backend)).toBe(1);
    time.advance(1000);
    expect(await noSleep.read('q')).toMatchObject({ ready: 0 });
    expect(listReads(backend)).toBe(2);
  });
});

describe('routing gateway', () => {
  async function routingReader(routes: Record<string, QueueRoute>, time = fakeTime(), sleep = time.sleep) {
    const redis = new InMemoryBackend({ shard: 'r' });
    const pacer = new InMemoryBackend({ shard: 'p' });
    const reader = new QueueBacklogReader({ kind: 'routing', routeOf: (q) => routes[q], systems: new Map([['redis-a', redis], ['pacer', pacer]]) }, time.clock, sleep);
    return { redis, pacer, reader };
  }

  it("keeps serving other systems' queues when one system's list cannot be read, and never calls that system's queues missing", async () => {
    const time = fakeTime({ startMs: 0 });
    const { redis, pacer, reader } = await routingReader({ r: { mode: 'legacy', cluster: 'redis-a' }, p: { mode: 'pacer', legacyCluster: null } }, time, () => Promise.resolve());
    await queueWith(redis, 'r', 1);
    await queueWith(pacer, 'p', 2);
    const down = new PinLaterError(ErrorCode.SHARD_CONNECTION_FAILED, 'Redis connection to r1 failed');
    redis.failNext = { method: 'getQueueNames', error: down };
    expect(await reader.read('p')).toMatchObject({ ready: 2 });
    await expect(reader.read('r')).rejects.toBe(down); // within the second: not re-read, and not called missing
    time.advance(1000);
    expect(await reader.read('r')).toMatchObject({ ready: 1 }); // its list was read again
    time.advance(30_000);
    redis.failNext = { method: 'getQueueNames', error: down };
    expect(await reader.read('r')).toMatchObject({ ready: 1 }); // the failed read kept its previous list
  });

  it("counts on the system the queue's record names, both sides of a migrating queue, only legacy for a shadowed one", async () => {
    const { redis, pacer, reader } = await routingReader({
      on_redis: { mode: 'legacy', cluster: 'redis-a' },
      on_pacer: { mode: 'pacer', legacyCluster: 'redis-a' },
      moving: { mode: 'migrating', legacyCluster: 'redis-a', direction: 'to-pacer' },
      shadowed: { mode: 'shadow', legacyCluster: 'redis-a' },
    });
    await queueWith(redis, 'on_redis', 2);
    await queueWith(redis, 'on_pacer', 5); // left behind on the cluster the queue left: not counted
    await queueWith(pacer, 'on_pacer', 1);
    await queueWith(redis, 'moving', 2);
    await queueWith(pacer, 'moving', 3);
    await queueWith(redis, 'shadowed', 4);
    await queueWith(pacer, 'zz_pacer_shadow__shadowed', 4);
    expect(await reader.read('on_redis')).toMatchObject({ ready: 2, system: 'redis-a' });
    expect(await reader.read('on_pacer')).toMatchObject({ ready: 1, system: 'pacer' });
    expect(await reader.read('moving')).toMatchObject({ ready: 5, system: 'redis-a+pacer' });
    expect(await reader.read('shadowed')).toMatchObject({ ready: 4, system: 'redis-a' });
  });

  it('finds a queue without a record on the one system that holds it; refuses one held by two', async () => {
    const { redis, pacer, reader } = await routingReader({});
    await queueWith(redis, 'old_q', 2);
    await queueWith(pacer, 'twice', 0);
    await queueWith(redis, 'twice', 0);
    expect(await reader.read('old_q')).toMatchObject({ ready: 2, system: 'redis-a' });
    await expect(reader.read('twice')).rejects.toMatchObject({
      code: ErrorCode.UNKNOWN, message: 'Queue twice exists in more than one system (redis-a, pacer) and has no routing record: no backlog until an operator routes it',
    });
  });

  it('answers not found for a shadow copy, a recorded queue its system does not list, and a name nobody holds', async () => {
    const { pacer, reader } = await routingReader({ recorded_gone: { mode: 'pacer', legacyCluster: null } });
    await queueWith(pacer, 'zz_pacer_shadow__q', 1);
    for (const queue of ['zz_pacer_shadow__q', 'recorded_gone', 'nobody']) {
      await expect(reader.read(queue)).rejects.toMatchObject({ code: ErrorCode.QUEUE_NOT_FOUND });
    }
  });

  it('refuses a queue routed to a system this gateway does not serve, and passes on the routing table\'s refusal', async () => {
    const { reader } = await routingReader({ elsewhere: { mode: 'legacy', cluster: 'mysql-b' } });
    await expect(reader.read('elsewhere')).rejects.toMatchObject({ code: ErrorCode.UNKNOWN, message: "Queue elsewhere is routed to system 'mysql-b', which this gateway does not serve" });
    const unread = new QueueBacklogReader({
      kind: 'routing', systems: new Map(), routeOf: () => { throw new PinLaterError(ErrorCode.NO_HEALTHY_SHARDS, 'Routing table not read yet (x): nothing routed is served until it is'); },
    }, fakeTime().clock, () => Promise.resolve());
    await expect(unread.read('q')).rejects.toMatchObject({ code: ErrorCode.NO_HEALTHY_SHARDS });
  });
});
