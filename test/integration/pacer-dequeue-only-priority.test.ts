/**
 * DequeueRequest.onlyPriority on Pacer (a routing gateway serving a migrating queue interleaves
 * both systems priority by priority, docs/migration.md): only that priority is claimed, through
 * one broker (the embedded topology: one call with the priority list) and through two brokers
 * (the static topology: the router asks broker by broker), dry runs included; the router's
 * ready-job probe looks at that priority only; a priority the backend does not serve is refused.
 */
import {
  createDequeueBroker, createPacerBackend, InProcessBrokerClient, StaticPartitionDirectory, type DequeueBroker, type PacerBackend,
} from '../../pacer';
import { parsePacerDescriptor } from '../../pacer/src/descriptors/pacer-descriptor';
import { ErrorCode } from '../../core/src/errors/error-code';
import { assertNoLeaks } from '../support/leak-check';
import { dequeueReq, freshPacerDb, job, type PacerDb } from './pacer-fixtures';

const A = { host: 'only-a', port: 1 };
const B = { host: 'only-b', port: 2 };

let fx: PacerDb;
let embedded: PacerBackend;
let routed: PacerBackend;
let directory: StaticPartitionDirectory;
let client: InProcessBrokerClient;
let a: DequeueBroker;
let b: DequeueBroker;

beforeAll(async () => {
  fx = await freshPacerDb();
  embedded = await createPacerBackend({ topology: { mode: 'embedded', safetySweepMs: 0 }, mysql: fx.mysql, defaultPartitions: 3 });
  directory = new StaticPartitionDirectory({});
  client = new InProcessBrokerClient();
  routed = await createPacerBackend({ topology: { mode: 'static', directory, brokerClient: client }, mysql: fx.mysql, defaultPartitions: 2 });
  a = createDequeueBroker({ brokerId: 'only-a', mysql: fx.mysql, safetySweepMs: 0, monitor: { enabled: false } });
  b = createDequeueBroker({ brokerId: 'only-b', mysql: fx.mysql, safetySweepMs: 0, monitor: { enabled: false } });
  client.register(A, a);
  client.register(B, b);
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await routed?.close();
  await embedded?.close();
  await directory?.close();
  await fx?.db.drop();
});
afterAll(assertNoLeaks);

const bodies = (jobs: ReadonlyArray<{ body: Buffer }>): string[] => jobs.map((j) => j.body.toString()).sort();

/** Two jobs of each priority 1..3, bodies `p<priority>-<n>`. */
function everyPriority(): ReturnType<typeof job>[] {
  return [1, 2, 3].flatMap((p) => [job(`p${p}-a`, { priority: p }), job(`p${p}-b`, { priority: p })]);
}

it('one broker: only the asked priority is claimed (dry run too); the others stay for a later dequeue', async () => {
  await embedded.createQueue('only1');
  await embedded.enqueueJobs({ queue: 'only1', jobs: everyPriority() });
  expect(bodies((await embedded.dequeueJobs(dequeueReq('only1', 10, { onlyPriority: 3, dryRun: true }))).jobs)).toEqual(['p3-a', 'p3-b']);
  expect(bodies((await embedded.dequeueJobs(dequeueReq('only1', 10, { onlyPriority: 2 }))).jobs)).toEqual(['p2-a', 'p2-b']);
  expect((await embedded.dequeueJobs(dequeueReq('only1', 10, { onlyPriority: 2 }))).jobs).toEqual([]);
  expect(bodies((await embedded.dequeueJobs(dequeueReq('only1', 10))).jobs)).toEqual(['p1-a', 'p1-b', 'p3-a', 'p3-b']);
});

it('two brokers: the router asks each for that priority only', async () => {
  await routed.createQueueWithOptions('only2', { numPartitions: 2 });
  await a.assign('only2', 0);
  await b.assign('only2', 1);
  directory.update({ routes: [{ queue: 'only2', partitions: [0], endpoint: A }, { queue: 'only2', partitions: [1], endpoint: B }] });
  const jobs = Array.from({ length: 4 }, () => everyPriority()).flat();
  const ds = await routed.enqueueJobs({ queue: 'only2', jobs });
  expect(new Set(ds.map((d) => parsePacerDescriptor(d)?.partition)).size).toBe(2); // 24 jobs: both partitions hold some
  const got = (await routed.dequeueJobs(dequeueReq('only2', 100, { onlyPriority: 2 }))).jobs;
  expect(got).toHaveLength(8);
  expect(new Set(got.map((j) => parsePacerDescriptor(j.descriptor)?.priority))).toEqual(new Set([2]));
  expect((await routed.dequeueJobs(dequeueReq('only2', 100, { onlyPriority: 2, dryRun: true }))).jobs).toEqual([]);
  expect((await routed.dequeueJobs(dequeueReq('only2', 100))).jobs).toHaveLength(16);
});

it('a partition without an owner whose ready jobs are of another priority: the empty answer, not NO_HEALTHY_SHARDS', async () => {
  await routed.createQueueWithOptions('only3', { numPartitions: 1 });
  await routed.enqueueJobs({ queue: 'only3', jobs: [job('p1-only', { priority: 1 })] }); // partition 0 has no owner
  expect((await routed.dequeueJobs(dequeueReq('only3', 10, { onlyPriority: 2 }))).jobs).toEqual([]);
  await expect(routed.dequeueJobs(dequeueReq('only3', 10, { onlyPriority: 1 }))).rejects.toMatchObject({ code: ErrorCode.NO_HEALTHY_SHARDS });
});

it('a priority the backend does not serve is refused (PRIORITY_NOT_SUPPORTED)', async () => {
  await embedded.createQueue('only4');
  for (const p of [0, 4, 1.5]) {
    await expect(embedded.dequeueJobs(dequeueReq('only4', 1, { onlyPriority: p }))).rejects.toMatchObject({ code: ErrorCode.PRIORITY_NOT_SUPPORTED });
  }
});
