/**
 * The gateway's dequeue routing when its view of partition owners is stale (issue 17): real
 * MariaDB (fresh database), real in-process brokers with their MySQL ownership epochs, reached
 * through the in-process broker client, and a directory whose `refresh()` applies the mapping the
 * cluster has moved to (what re-reading ZooKeeper's external view does).
 *
 * - a broker answers notOwned → the router refreshes the view and serves from the new owner;
 * - the view cannot be fixed and jobs are ready → NO_HEALTHY_SHARDS "Unable to find healthy
 *   shard" (PinLater's no-shard answer), counted, never an empty answer;
 * - no owner known at all: the same;
 * - nothing ready in the partitions it cannot serve → PinLater's empty answer;
 * - other partitions gave jobs → those jobs (the unserved partitions are skipped and counted).
 */
import { createDequeueBroker, createPacerBackend, InProcessBrokerClient, StaticPartitionDirectory, type DequeueBroker, type PacerBackend } from '../../pacer';
import type { StaticDirectoryConfig } from '../../pacer/src/api/static-partition-directory';
import { pacerStatNames } from '../../pacer/src/api/pacer-stat-names';
import { parsePacerDescriptor } from '../../pacer/src/descriptors/pacer-descriptor';
import { JobState } from '../../core/src/types/job-state';
import { MemoryStats } from '../../core/src/interfaces/stats';
import { ErrorCode } from '../../core/src/errors/error-code';
import { assertNoLeaks } from '../support/leak-check';
import { dequeueReq, freshPacerDb, job, type PacerDb } from './pacer-fixtures';

const A = { host: 'broker-a', port: 1 };
const B = { host: 'broker-b', port: 2 };

/** A directory that catches up when asked to re-read (the cluster's newer mapping is `behind`). */
class CatchingUpDirectory extends StaticPartitionDirectory {
  behind: StaticDirectoryConfig | undefined;
  refreshes = 0;

  async refresh(): Promise<void> {
    this.refreshes += 1;
    if (this.behind) this.update(this.behind);
    this.behind = undefined;
  }
}

let fx: PacerDb;
let directory: CatchingUpDirectory;
let client: InProcessBrokerClient;
let backend: PacerBackend;
let stats: MemoryStats;
let a: DequeueBroker;
let b: DequeueBroker;

beforeAll(async () => {
  fx = await freshPacerDb();
  directory = new CatchingUpDirectory({});
  client = new InProcessBrokerClient();
  stats = new MemoryStats();
  backend = await createPacerBackend({ mysql: fx.mysql, topology: { mode: 'static', directory, brokerClient: client }, stats, defaultPartitions: 2 });
  a = createDequeueBroker({ brokerId: 'route-a', mysql: fx.mysql, safetySweepMs: 0, monitor: { enabled: false } });
  b = createDequeueBroker({ brokerId: 'route-b', mysql: fx.mysql, safetySweepMs: 0, monitor: { enabled: false } });
  client.register(A, a);
  client.register(B, b);
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await backend?.close();
  await directory?.close();
  await fx?.db.drop();
});
afterAll(assertNoLeaks);

const counter = (name: string): number => stats.counters.get(name) ?? 0;

async function errorOf(p: Promise<unknown>): Promise<{ code?: number; message?: string }> {
  return p.then(() => ({}), (e: unknown) => e as { code?: number; message?: string });
}

const partitionOf = (descriptor: string): number | undefined => parsePacerDescriptor(descriptor)?.partition;

/** Enqueues until both partitions of `queue` hold at least one job. */
async function jobsInBothPartitions(queue: string): Promise<string[]> {
  const descriptors: string[] = [];
  while (new Set(descriptors.map(partitionOf)).size < 2) {
    descriptors.push(...(await backend.enqueueJobs({ queue, jobs: [job(`${queue}-${descriptors.length}`)] })));
  }
  return descriptors;
}

it('a broker that no longer owns the partitions answers notOwned: the view is refreshed and the new owner serves', async () => {
  await backend.createQueueWithOptions('moved', { numPartitions: 2 });
  directory.update({ routes: [{ queue: 'moved', endpoint: A }] }); // stale: A never owned them
  directory.behind = { routes: [{ queue: 'moved', endpoint: B }] };
  const enqueued = await jobsInBothPartitions('moved');
  await b.assign('moved', 0); // the cluster gave them to B (which reads what is ready as it takes them)
  await b.assign('moved', 1);
  const before = { refreshes: directory.refreshes, notOwned: counter(pacerStatNames.partitionNotOwned), rerouted: counter(pacerStatNames.rerouted) };
  const got = await backend.dequeueJobs(dequeueReq('moved', 100));
  expect(got.jobs.map((j) => j.descriptor).sort()).toEqual([...enqueued].sort());
  expect(directory.refreshes).toBe(before.refreshes + 1);
  expect(counter(pacerStatNames.partitionNotOwned)).toBe(before.notOwned + 2);
  expect(counter(pacerStatNames.rerouted)).toBe(before.rerouted + 2);
});

it('jobs ready but still no serving owner after the refresh: NO_HEALTHY_SHARDS "Unable to find healthy shard", counted, never an empty answer', async () => {
  await backend.createQueueWithOptions('stranded', { numPartitions: 2 });
  directory.update({ routes: [{ queue: 'stranded', endpoint: A }] }); // A owns nothing of it, and the view does not change
  await jobsInBothPartitions('stranded');
  const refused = counter(pacerStatNames.noHealthyShards);
  const error = await errorOf(backend.dequeueJobs(dequeueReq('stranded', 10)));
  expect(error.code).toBe(ErrorCode.NO_HEALTHY_SHARDS);
  expect(error.message).toBe('Unable to find healthy shard');
  expect(counter(pacerStatNames.noHealthyShards)).toBe(refused + 1);
  expect(counter(pacerStatNames.unservable)).toBeGreaterThanOrEqual(2);
});

it('no owner known for any partition, jobs ready: NO_HEALTHY_SHARDS; the same queue drained of ready jobs: empty, as PinLater', async () => {
  await backend.createQueueWithOptions('orphaned', { numPartitions: 2 });
  const descriptors = await jobsInBothPartitions('orphaned');
  expect((await errorOf(backend.dequeueJobs(dequeueReq('orphaned', 10)))).code).toBe(ErrorCode.NO_HEALTHY_SHARDS);
  // The jobs are done elsewhere (e.g. through another gateway): nothing ready is left.
  await backend.deleteJobs({ queue: 'orphaned', state: JobState.PENDING, priority: 1, limit: 1000 });
  expect(descriptors.length).toBeGreaterThan(0);
  expect((await backend.dequeueJobs(dequeueReq('orphaned', 10))).jobs).toEqual([]);
});

it('jobs only in the future (not ready) behind a missing owner: empty, as PinLater', async () => {
  await backend.createQueueWithOptions('later', { numPartitions: 2 });
  await backend.enqueueJobs({ queue: 'later', jobs: Array.from({ length: 4 }, (_, i) => job(`later${i}`, { runAfterMs: Date.now() + 3_600_000 })) });
  expect((await backend.dequeueJobs(dequeueReq('later', 10))).jobs).toEqual([]);
});

it('some partitions served, the others without an owner: the jobs that could be served, no error', async () => {
  await backend.createQueueWithOptions('half', { numPartitions: 2 });
  await a.assign('half', 0);
  directory.update({ routes: [{ queue: 'half', partitions: [0], endpoint: A }] });
  const descriptors = await jobsInBothPartitions('half');
  const unserved = counter(pacerStatNames.unservable);
  const got = await backend.dequeueJobs(dequeueReq('half', 100));
  expect(got.jobs.map((j) => j.descriptor).sort()).toEqual(descriptors.filter((d) => partitionOf(d) === 0).sort());
  expect(counter(pacerStatNames.unservable)).toBe(unserved + 1);
});
