/**
 * The routing backend (core/src/routing/routing-backend.ts) over three real systems: a legacy
 * PinLater Redis cluster, a legacy PinLater MySQL cluster and Pacer (embedded broker), each in a
 * namespace of its own, routed by an in-process table (the ZooKeeper table has its own tests).
 * Every check reads the system behind the router directly, so a call that went to the wrong
 * system fails the test.
 */
import { createPacerBackend, type PacerBackend } from '../../pacer';
import { ErrorCode } from '../../core/src/errors/error-code';
import type { PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import { MemoryStats } from '../../core/src/interfaces/stats';
import { MemoryRouteSource } from '../../core/src/routing/memory-route-source';
import type { RoutingBackend } from '../../core/src/routing/routing-backend';
import { routingStatNames } from '../../core/src/routing/routing-stat-names';
import { JobState } from '../../core/src/types/job-state';
import { legacyMysqlProfile } from '../conformance/backends/legacy-mysql';
import { legacyRedisProfile } from '../conformance/backends/legacy-redis';
import type { BackendInstance } from '../conformance/harness/backend-profile';
import { assertNoLeaks } from '../support/leak-check';
import { testRoutingBackend } from '../support/test-routing-backend';
import { dequeueReq, freshPacerDb, job, type PacerDb } from './pacer-fixtures';

const NS = { label: 'routing-backend', monitor: {} };

let redis: BackendInstance;
let mysql: BackendInstance;
let pacerDb: PacerDb;
let pacer: PacerBackend;
let routes: MemoryRouteSource;
let stats: MemoryStats;
let router: RoutingBackend;

beforeAll(async () => {
  [redis, mysql, pacerDb] = await Promise.all([legacyRedisProfile.create(NS), legacyMysqlProfile.create(NS), freshPacerDb()]);
  pacer = await createPacerBackend({ mysql: pacerDb.mysql, topology: { mode: 'embedded' }, applyMigrations: false, defaultPartitions: 2 });
  routes = new MemoryRouteSource();
  stats = new MemoryStats();
  router = testRoutingBackend({
    legacy: new Map<string, PinLaterBackend>([['redis-a', redis.backend], ['mysql-a', mysql.backend]]),
    pacer,
    routes,
    defaultDestination: { mode: 'pacer' },
    stats,
  });
}, 60_000);

afterAll(async () => {
  // The router closes every system; the namespaces are removed by their own cleanups.
  await router.close();
  await Promise.all([redis.cleanup(), mysql.cleanup()]);
  await pacerDb.db.drop();
});
afterAll(assertNoLeaks);

const pending = (backend: PinLaterBackend, queue: string): Promise<number> => backend.getJobCount({ queue, state: JobState.PENDING, future: false });
const state = async (backend: PinLaterBackend, descriptor: string): Promise<JobState | undefined> =>
  (await backend.lookupJobs({ descriptors: [descriptor], includeBody: false })).get(descriptor)?.state;

describe('routing backend', () => {
  it("sends a queue's calls to the system its record names", async () => {
    routes.set('rt_redis', { mode: 'legacy', cluster: 'redis-a' });
    routes.set('rt_mysql', { mode: 'legacy', cluster: 'mysql-a' });
    await router.createQueue('rt_redis');
    await router.createQueue('rt_mysql');
    await router.enqueueJobs({ queue: 'rt_redis', jobs: [job('r1'), job('r2')] });
    await router.enqueueJobs({ queue: 'rt_mysql', jobs: [job('m1')] });
    expect(await pending(redis.backend, 'rt_redis')).toBe(2);
    expect(await pending(mysql.backend, 'rt_mysql')).toBe(1);
    expect((await pacer.getQueueNames()).has('rt_redis')).toBe(false);
    const { jobs } = await router.dequeueJobs(dequeueReq('rt_mysql', 5));
    expect(jobs.map((j) => j.body.toString())).toEqual(['m1']);
    await router.ackDequeuedJobs({ queue: 'rt_mysql', succeeded: [{ descriptor: jobs[0]?.descriptor as string, appendCustomStatus: '', retryDelayMs: 0 }], failed: [] });
    expect(await state(mysql.backend, jobs[0]?.descriptor as string)).toBe(JobState.SUCCEEDED);
  });

  it('a new queue goes to the default destination and is recorded there', async () => {
    await router.createQueue('rt_new');
    expect(routes.routeOf('rt_new')).toEqual({ mode: 'pacer', legacyCluster: null });
    expect((await pacer.getQueueNames()).has('rt_new')).toBe(true);
    expect((await redis.backend.getQueueNames()).has('rt_new')).toBe(false);
    expect(stats.counter(routingStatNames.recordsCreated)).toBeGreaterThanOrEqual(1);
  });

  it('descriptors go to the system that issued them after the queue moved to Pacer, in one mixed batch', async () => {
    routes.set('rt_moving', { mode: 'legacy', cluster: 'redis-a' });
    await router.createQueue('rt_moving');
    const [legacyDescriptor] = await router.enqueueJobs({ queue: 'rt_moving', jobs: [job('old')] });
    const legacyJobs = (await router.dequeueJobs(dequeueReq('rt_moving', 1))).jobs;
    expect(legacyJobs).toHaveLength(1);

    routes.set('rt_moving', { mode: 'pacer', legacyCluster: 'redis-a' });
    await router.createQueue('rt_moving');
    const [pacerDescriptor] = await router.enqueueJobs({ queue: 'rt_moving', jobs: [job('new')] });
    expect(await pending(pacer, 'rt_moving')).toBe(1);
    const pacerJobs = (await router.dequeueJobs(dequeueReq('rt_moving', 5))).jobs;
    expect(pacerJobs.map((j) => j.body.toString())).toEqual(['new']);

    const lookup = await router.lookupJobs({ descriptors: [legacyDescriptor as string, pacerDescriptor as string], includeBody: true });
    expect([...lookup.keys()]).toEqual(expect.arrayContaining([legacyDescriptor, pacerDescriptor]));
    expect(lookup.get(legacyDescriptor as string)?.body?.toString()).toBe('old');
    expect(lookup.get(pacerDescriptor as string)?.body?.toString()).toBe('new');

    const ack = (d: string) => ({ descriptor: d, appendCustomStatus: '', retryDelayMs: 0 });
    await router.ackDequeuedJobs({ queue: 'rt_moving', succeeded: [ack(legacyJobs[0]?.descriptor as string), ack(pacerJobs[0]?.descriptor as string)], failed: [] });
    expect(await state(redis.backend, legacyDescriptor as string)).toBe(JobState.SUCCEEDED);
    expect(await state(pacer, pacerDescriptor as string)).toBe(JobState.SUCCEEDED);
  });

  it('getQueueNames is the union over every system', async () => {
    const names = await router.getQueueNames();
    for (const q of ['rt_redis', 'rt_mysql', 'rt_new', 'rt_moving']) expect(names.has(q)).toBe(true);
  });

  it('a queue without a record goes where discovery finds it', async () => {
    await mysql.backend.createQueue('rt_unrecorded');
    await router.enqueueJobs({ queue: 'rt_unrecorded', jobs: [job('u')] });
    expect(await pending(mysql.backend, 'rt_unrecorded')).toBe(1);
    expect(routes.routeOf('rt_unrecorded')).toBeUndefined();
    expect(stats.counter(routingStatNames.discoveredRoutes)).toBeGreaterThanOrEqual(1);
  });

  it('a queue in two clusters without a record is refused with a clear error, and nothing is written', async () => {
    await redis.backend.createQueue('rt_twice');
    await mysql.backend.createQueue('rt_twice');
    const error = await router.enqueueJobs({ queue: 'rt_twice', jobs: [job('x')] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.UNKNOWN, message: expect.stringMatching(/exists in more than one cluster \((redis-a, mysql-a|mysql-a, redis-a)\)/) });
    expect(await pending(redis.backend, 'rt_twice')).toBe(0);
    expect(await pending(mysql.backend, 'rt_twice')).toBe(0);
    expect(stats.counter(routingStatNames.ambiguousQueues)).toBeGreaterThanOrEqual(1);
  });

  it('a record naming an unknown cluster is a clear error, never a default route', async () => {
    routes.set('rt_lost', { mode: 'legacy', cluster: 'nowhere' });
    await expect(router.enqueueJobs({ queue: 'rt_lost', jobs: [job('x')] })).rejects.toMatchObject({
      code: ErrorCode.UNKNOWN, message: expect.stringMatching(/legacy cluster 'nowhere', which this gateway does not know/),
    });
  });

  it('health names every system and the routing state', async () => {
    const health = await router.health();
    expect(Object.keys(health.systems).sort()).toEqual(['mysql-a', 'pacer', 'redis-a']);
    expect(health.routing.loaded).toBe(true);
    expect(health.healthy).toBe(true);
  });
});
