/**
 * A Pacer dry-run dequeue answers what a dequeue would (FACTS §3.6: the same iteration, a
 * read-only query, nothing claimed), so it goes through the partitions' owners (issue 16): real
 * MariaDB (fresh database) and real in-process brokers with their MySQL ownership epochs, reached
 * through the in-process broker client, routed by a static directory.
 *
 * - every partition owned: the ready jobs, nothing claimed (a real dequeue still gets them all);
 * - no owner known: NO_HEALTHY_SHARDS, like the dequeue (it used to read MySQL and return the jobs);
 * - the named broker does not own them (notOwned): NO_HEALTHY_SHARDS;
 * - the named broker is gone: SHARD_CONNECTION_FAILED;
 * - half the partitions owned: only the jobs of those, no error.
 */
import { createDequeueBroker, createPacerBackend, InProcessBrokerClient, StaticPartitionDirectory, type DequeueBroker, type PacerBackend } from '../../pacer';
import { parsePacerDescriptor } from '../../pacer/src/descriptors/pacer-descriptor';
import { ErrorCode } from '../../core/src/errors/error-code';
import { JobState } from '../../core/src/types/job-state';
import { assertNoLeaks } from '../support/leak-check';
import { dequeueReq, freshPacerDb, job, type PacerDb } from './pacer-fixtures';

const A = { host: 'dry-a', port: 1 };
const GONE = { host: 'dry-gone', port: 2 };

let fx: PacerDb;
let directory: StaticPartitionDirectory;
let client: InProcessBrokerClient;
let backend: PacerBackend;
let a: DequeueBroker;

beforeAll(async () => {
  fx = await freshPacerDb();
  directory = new StaticPartitionDirectory({});
  client = new InProcessBrokerClient();
  backend = await createPacerBackend({ mysql: fx.mysql, topology: { mode: 'static', directory, brokerClient: client }, defaultPartitions: 2 });
  a = createDequeueBroker({ brokerId: 'dry-a', mysql: fx.mysql, safetySweepMs: 0, monitor: { enabled: false } });
  client.register(A, a);
});

afterAll(async () => {
  await a?.close();
  await backend?.close();
  await directory?.close();
  await fx?.db.drop();
});
afterAll(assertNoLeaks);

async function errorOf(p: Promise<unknown>): Promise<{ code?: number }> {
  return p.then(() => ({}), (e: unknown) => e as { code?: number });
}

const partitionOf = (descriptor: string): number | undefined => parsePacerDescriptor(descriptor)?.partition;
const dry = (queue: string, limit: number): ReturnType<PacerBackend['dequeueJobs']> => backend.dequeueJobs(dequeueReq(queue, limit, { dryRun: true }));
const pending = (queue: string): Promise<number> => backend.getJobCount({ queue, state: JobState.PENDING, future: false });

/** Enqueues until both partitions of `queue` hold at least one job. */
async function jobsInBothPartitions(queue: string): Promise<string[]> {
  const descriptors: string[] = [];
  while (new Set(descriptors.map(partitionOf)).size < 2) {
    descriptors.push(...(await backend.enqueueJobs({ queue, jobs: [job(`${queue}-${descriptors.length}`)] })));
  }
  return descriptors;
}

it('every partition owned: the ready jobs, and nothing is claimed', async () => {
  await backend.createQueueWithOptions('dry_owned', { numPartitions: 2 });
  await a.assign('dry_owned', 0);
  await a.assign('dry_owned', 1);
  directory.update({ routes: [{ queue: 'dry_owned', endpoint: A }] });
  const enqueued = await jobsInBothPartitions('dry_owned');
  const peeked = await dry('dry_owned', 100);
  expect(peeked.jobs.map((j) => j.descriptor).sort()).toEqual([...enqueued].sort());
  expect(await pending('dry_owned')).toBe(enqueued.length);
  expect((await backend.dequeueJobs(dequeueReq('dry_owned', 100))).jobs).toHaveLength(enqueued.length);
});

it('no owner known: NO_HEALTHY_SHARDS, as the dequeue it previews', async () => {
  await backend.createQueueWithOptions('dry_orphan', { numPartitions: 2 });
  await jobsInBothPartitions('dry_orphan');
  expect((await errorOf(dry('dry_orphan', 10))).code).toBe(ErrorCode.NO_HEALTHY_SHARDS);
  expect((await errorOf(backend.dequeueJobs(dequeueReq('dry_orphan', 10)))).code).toBe(ErrorCode.NO_HEALTHY_SHARDS);
});

it('the named broker does not own the partitions: NO_HEALTHY_SHARDS', async () => {
  await backend.createQueueWithOptions('dry_stale', { numPartitions: 2 });
  directory.update({ routes: [{ queue: 'dry_stale', endpoint: A }] }); // A never took them
  await jobsInBothPartitions('dry_stale');
  expect((await errorOf(dry('dry_stale', 10))).code).toBe(ErrorCode.NO_HEALTHY_SHARDS);
});

it('the named broker is gone: SHARD_CONNECTION_FAILED', async () => {
  await backend.createQueueWithOptions('dry_gone', { numPartitions: 2 });
  directory.update({ routes: [{ queue: 'dry_gone', endpoint: GONE }] });
  await jobsInBothPartitions('dry_gone');
  expect((await errorOf(dry('dry_gone', 10))).code).toBe(ErrorCode.SHARD_CONNECTION_FAILED);
});

it('half the partitions owned: only their jobs, no error', async () => {
  await backend.createQueueWithOptions('dry_half', { numPartitions: 2 });
  await a.assign('dry_half', 0);
  directory.update({ routes: [{ queue: 'dry_half', partitions: [0], endpoint: A }] });
  const descriptors = await jobsInBothPartitions('dry_half');
  const peeked = await dry('dry_half', 100);
  expect(peeked.jobs.map((j) => j.descriptor).sort()).toEqual(descriptors.filter((d) => partitionOf(d) === 0).sort());
});
