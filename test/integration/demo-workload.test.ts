/**
 * Issue 13: the demo workload scripts/up.sh starts (scripts/demo/main.ts, a producer process and a
 * worker process) against a scratch routing gateway (migration-e2e-cluster.ts: a legacy Redis
 * cluster, a legacy MySQL cluster and Pacer behind it, the routing table in a fresh chroot). One
 * demo queue is routed to each system, as up.sh routes its demo queues.
 *
 * What it guards: jobs flow on every queue (the producer's enqueued count and the worker's
 * succeeded and failed counts grow, read from their `/health`), the jobs really are on the system
 * each queue is routed to (read there directly), and SIGTERM stops both processes cleanly (exit
 * 0, `pinlater-demo stopped` logged).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { JobState } from '../../core/src/types/job-state';
import { ConformanceClient } from '../conformance/harness/conformance-client';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { assertNoLeaks } from '../support/leak-check';
import { ClusterProcess } from '../support/pacer-processes';
import { testOutcome } from '../support/test-outcome';
import { E2eCluster, MYSQL_CLUSTER, REDIS_CLUSTER } from './migration-e2e-cluster';

jest.setTimeout(180_000);

const ROOT = join(__dirname, '..', '..');
const Q_REDIS = 'demo_t_redis';
const Q_MYSQL = 'demo_t_mysql';
const Q_PACER = 'demo_t_pacer';
const QUEUES = [Q_REDIS, Q_MYSQL, Q_PACER];
const FLOW = { timeoutMs: 60_000, intervalMs: 250 };

interface Counters {
  enqueued: number;
  dequeued: number;
  succeeded: number;
  failed: number;
  callErrors: number;
}

interface Health {
  role: string;
  totals: Counters;
  queues: Record<string, Counters>;
}

interface DemoChild {
  readonly proc: ClusterProcess;
  readonly statusPort: number;
}

let cluster: E2eCluster | undefined;
const demos: DemoChild[] = [];

afterEach(() => {
  const outcome = testOutcome();
  if (outcome?.scopeFailed() !== true) return;
  for (const d of demos) outcome.report(`${d.proc.name}, last lines:\n${d.proc.output.split('\n').slice(-30).join('\n')}`);
  for (const text of cluster?.outputs() ?? []) outcome.report(text);
});

afterAll(async () => {
  for (const d of demos) {
    if (!d.proc.running) continue;
    d.proc.signal('SIGKILL');
    await d.proc.exited();
  }
  await cluster?.close();
}, 120_000);
afterAll(assertNoLeaks);

beforeAll(async () => {
  const c = await E2eCluster.create({ gateways: 1 });
  cluster = c;
  await c.startProcesses();
  const legacy = (legacyCluster: string): { mode: 'legacy'; legacyCluster: string; changedBy: string; reason: string } =>
    ({ mode: 'legacy', legacyCluster, changedBy: 'demo-workload-test', reason: 'demo queue' });
  await c.table.store.write(Q_REDIS, legacy(REDIS_CLUSTER), 0);
  await c.table.store.write(Q_MYSQL, legacy(MYSQL_CLUSTER), 0);
  await c.allServe(2);
}, 180_000);

async function startDemo(role: 'producer' | 'worker', thriftPort: number): Promise<DemoChild> {
  const statusPort = await freePort();
  const args = [
    '--import', 'tsx', 'scripts/demo/main.ts', '--role', role, '--port', String(thriftPort), '--queues', QUEUES.join(','), '--status-port', String(statusPort),
    '--rate', '20', '--failure-ratio', '0.3', '--retry-delay-ms', '100', '--future-ratio', '0', '--idle-ms', '50', '--work-max-ms', '5', '--backoff-ms', '200',
  ];
  const proc = new ClusterProcess(`demo ${role}`, spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
  const child = { proc, statusPort };
  demos.push(child);
  await proc.waitFor('pinlater-demo started', 60_000);
  return child;
}

async function health(child: DemoChild): Promise<Health> {
  const res = await fetch(`http://127.0.0.1:${child.statusPort}/health`);
  expect(res.status).toBe(200);
  return (await res.json()) as Health;
}

/** Every queue's counter `name` of `child`, once each is at least `min` (a number, or per queue). */
async function grows(child: DemoChild, name: keyof Counters, min: number | Record<string, number>): Promise<Record<string, number>> {
  let seen: Record<string, number> = {};
  const least = (q: string): number => (typeof min === 'number' ? min : (min[q] ?? 0));
  await eventually(async () => {
    const h = await health(child);
    seen = Object.fromEntries(QUEUES.map((q) => [q, h.queues[q]?.[name] ?? 0]));
    expect(QUEUES.filter((q) => (seen[q] ?? 0) < least(q))).toEqual([]);
  }, FLOW);
  return seen;
}

it('the producer and the worker move jobs on a queue of every system, then stop cleanly on SIGTERM', async () => {
  const c = cluster as E2eCluster;
  const gateway = c.gateways[0];
  if (gateway === undefined) throw new Error('no gateway');
  const producer = await startDemo('producer', gateway.thriftPort);
  const worker = await startDemo('worker', gateway.thriftPort);

  const enqueued = await grows(producer, 'enqueued', 5);
  await grows(worker, 'succeeded', 3);
  await grows(worker, 'failed', 1);
  const later = await grows(worker, 'succeeded', Object.fromEntries(QUEUES.map((q) => [q, (enqueued[q] ?? 0) + 1])));
  await grows(producer, 'enqueued', Object.fromEntries(QUEUES.map((q) => [q, (later[q] ?? 0) + 1])));

  // Each queue's jobs are on the system its route names: its succeeded ones are counted there.
  const succeededOn = async (backend: typeof c.directRedis, queue: string): Promise<number> =>
    backend.getJobCount({ queue, state: JobState.SUCCEEDED, future: false });
  expect(await succeededOn(c.directRedis, Q_REDIS)).toBeGreaterThan(0);
  expect(await succeededOn(c.directMysql, Q_MYSQL)).toBeGreaterThan(0);
  expect(await c.directRedis.getQueueNames()).not.toContain(Q_PACER);
  expect(await c.directMysql.getQueueNames()).not.toContain(Q_PACER);
  const gw = await ConformanceClient.connect({ host: '127.0.0.1', port: gateway.thriftPort }, 'demo-workload-test');
  try {
    expect(await gw.count({ queue: Q_PACER, state: JobState.SUCCEEDED })).toBeGreaterThan(0);
  } finally {
    await gw.close();
  }

  for (const d of [producer, worker]) d.proc.signal('SIGTERM');
  const codes = await Promise.all([producer, worker].map((d) => d.proc.exited()));
  expect(codes).toEqual([0, 0]);
  for (const d of [producer, worker]) expect(d.proc.logLines('pinlater-demo stopped')).toHaveLength(1);
});
