/**
 * A migrating queue (docs/migration.md "Modes") through a routing backend that reads the real
 * routing table (ZkRouteSource on a fresh ZooKeeper chroot), over a legacy PinLater Redis cluster
 * and Pacer (embedded), each in a namespace of its own: the operator's record flipped from legacy
 * to migrating(to-pacer) is applied and served — new jobs land on Pacer, a dequeue hands out the
 * jobs of both sides (the legacy one first), acks reach each job's issuer. Every check reads the
 * systems directly. The legacy cluster's `onlyPriority` (what the interleaving asks of it) is
 * checked on the Redis backend itself.
 */
import type { PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import { silentLogger } from '../../core/src/logging/logger';
import type { RoutingBackend } from '../../core/src/routing/routing-backend';
import { JobState } from '../../core/src/types/job-state';
import type { RoutingChange } from '../../migration/src/routing/routing-store';
import { ZkRouteSource } from '../../migration/src/routing/zk-route-source';
import { createPacerBackend, type PacerBackend } from '../../pacer';
import { legacyRedisProfile } from '../conformance/backends/legacy-redis';
import type { BackendInstance } from '../conformance/harness/backend-profile';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { testRoutingBackend } from '../support/test-routing-backend';
import { dequeueReq, freshPacerDb, job, type PacerDb } from './pacer-fixtures';
import { routingTable, type RoutingTableFixture } from './routing-fixtures';

const NS = { label: 'routing-migrating', monitor: {} };
const CLUSTER = 'redis-a';

let redis: BackendInstance;
let pacerDb: PacerDb;
let pacer: PacerBackend;
let table: RoutingTableFixture;
let routes: ZkRouteSource;
let router: RoutingBackend;

beforeAll(async () => {
  [redis, pacerDb, table] = await Promise.all([legacyRedisProfile.create(NS), freshPacerDb(), routingTable()]);
  pacer = await createPacerBackend({ mysql: pacerDb.mysql, topology: { mode: 'embedded' }, applyMigrations: false, defaultPartitions: 2 });
  routes = ZkRouteSource.start({ zookeeper: { connectString: table.connectString, sessionTimeoutMs: 10_000 }, gatewayId: 'gw-migrating', logger: silentLogger() });
  router = testRoutingBackend({
    legacy: new Map<string, PinLaterBackend>([[CLUSTER, redis.backend]]),
    pacer,
    routes,
    defaultDestination: { mode: 'legacy', cluster: CLUSTER },
  });
}, 60_000);

afterAll(async () => {
  await router?.close(); // the route source's session and every system
  await redis?.cleanup();
  await pacerDb?.db.drop();
  await table?.release();
});
afterAll(assertNoLeaks);

const pending = (backend: PinLaterBackend, queue: string): Promise<number> => backend.getJobCount({ queue, state: JobState.PENDING, future: false });
const stateOn = async (backend: PinLaterBackend, descriptor: string): Promise<JobState | undefined> =>
  (await backend.lookupJobs({ descriptors: [descriptor], includeBody: false })).get(descriptor)?.state;
const change = (mode: 'legacy' | 'migrating', extra: Partial<RoutingChange> = {}): RoutingChange => ({ mode, legacyCluster: CLUSTER, changedBy: 'migrating-test', reason: 'test', ...extra });

describe('a migrating queue through the ZooKeeper routing table', () => {
  it('a record flipped to migrating(to-pacer) is applied and served: new jobs on Pacer, dequeues from both sides, acks to each issuer', async () => {
    const queue = 'mig_served';
    await table.store.write(queue, change('legacy'), 0);
    await eventually(() => expect(routes.routeOf(queue)).toEqual({ mode: 'legacy', cluster: CLUSTER }), { timeoutMs: 10_000 });
    await router.createQueue(queue);
    const [old] = await router.enqueueJobs({ queue, jobs: [job('old')] });
    expect(await pending(redis.backend, queue)).toBe(1);

    const flip = await table.store.write(queue, change('migrating', { direction: 'to-pacer' }), 1);
    await eventually(() => expect(routes.status().appliedVersion).toBe(flip.tableVersion), { timeoutMs: 10_000 });
    expect(routes.routeOf(queue)).toEqual({ mode: 'migrating', legacyCluster: CLUSTER, direction: 'to-pacer' });

    await router.createQueue(queue); // on both sides
    expect((await pacer.getQueueNames()).has(queue)).toBe(true);
    const [fresh] = await router.enqueueJobs({ queue, jobs: [job('new')] });
    expect(pacer.ownsDescriptor(fresh as string)).toBe(true);
    expect([await pending(redis.backend, queue), await pending(pacer, queue)]).toEqual([1, 1]);
    expect(await router.getJobCount({ queue, state: JobState.PENDING, future: false })).toBe(2);

    const { jobs } = await router.dequeueJobs(dequeueReq(queue, 10));
    expect(jobs.map((j) => j.body.toString())).toEqual(['old', 'new']);
    expect([await stateOn(redis.backend, old as string), await stateOn(pacer, fresh as string)]).toEqual([JobState.IN_PROGRESS, JobState.IN_PROGRESS]);

    const ack = (descriptor: string) => ({ descriptor, appendCustomStatus: '', retryDelayMs: 0 });
    await router.ackDequeuedJobs({ queue, succeeded: jobs.map((j) => ack(j.descriptor)), failed: [] });
    expect([await stateOn(redis.backend, old as string), await stateOn(pacer, fresh as string)]).toEqual([JobState.SUCCEEDED, JobState.SUCCEEDED]);
  });

  it('the legacy cluster dequeues only the priority asked for (onlyPriority), highest first without it', async () => {
    const queue = 'mig_priority';
    await redis.backend.createQueue(queue);
    await redis.backend.enqueueJobs({ queue, jobs: [job('p1', { priority: 1 }), job('p2', { priority: 2 })] });
    const only2 = await redis.backend.dequeueJobs(dequeueReq(queue, 10, { onlyPriority: 2 }));
    expect(only2.jobs.map((j) => j.body.toString())).toEqual(['p2']);
    const rest = await redis.backend.dequeueJobs(dequeueReq(queue, 10));
    expect(rest.jobs.map((j) => j.body.toString())).toEqual(['p1']);
  });
});
