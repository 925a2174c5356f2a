/**
 * Pacer cluster coordination benchmark (real ZooKeeper on 127.0.0.1:2181, a throwaway chroot):
 * 1. failover: kill -9 a participant PROCESS; time until all its partitions are ONLINE elsewhere
 *    in the external view (target: session timeout + 2 s);
 * 2. graceful hand-off: drain an in-process participant; time until its partitions are served
 *    elsewhere, and the longest time any single partition was unowned;
 * 3. ZooKeeper writes per partition move, counted by every client of the run (controllers and
 *    in-process participants) during the drain.
 * Bounded: every wait gives up after 30 s. Run: npx tsx bench/pacer-cluster-failover.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { systemClock } from '../core/src/util/clock';
import { addQueue, setupCluster } from '../pacer/src/coordination/cluster-setup';
import { HelixController } from '../pacer/src/coordination/controller';
import { onlineOwners } from '../pacer/src/coordination/external-view';
import { HelixPaths } from '../pacer/src/coordination/helix-paths';
import { NodeZkClient } from '../pacer/src/coordination/node-zk-client';
import { HelixParticipant } from '../pacer/src/coordination/participant';
import { childrenOrEmpty, deleteRecursive, readRecord } from '../pacer/src/coordination/record-store';
import type { ZkClient } from '../pacer/src/coordination/zk-client';

const ZK = '127.0.0.1:2181';
const SESSION_TIMEOUT_MS = 4000;
const CLUSTER = 'pacer';
const QUEUES: Record<string, number> = { bench_a: 12, bench_b: 12, bench_c: 12 };
const logger = pino({ level: 'silent' });
const paths = new HelixPaths(CLUSTER);
const clients: ZkClient[] = [];

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<number> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - t0;
}

async function owners(admin: ZkClient): Promise<Map<string, string[]>> {
  const live = new Set(await childrenOrEmpty(admin, paths.liveInstances()));
  const out = new Map<string, string[]>();
  for (const q of Object.keys(QUEUES)) {
    const ev = await readRecord(admin, paths.externalView(q));
    for (const [p, o] of ev ? onlineOwners(ev.record) : []) out.set(p, o.filter((i) => live.has(i)));
  }
  return out;
}

async function allServedOutside(admin: ZkClient, excluded: string): Promise<boolean> {
  const total = Object.values(QUEUES).reduce((a, b) => a + b, 0);
  const o = await owners(admin);
  return o.size === total && [...o.values()].every((list) => list.length === 1 && list[0] !== excluded);
}

function spawnParticipant(connect: string, name: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/support/pacer-participant-process.ts', connect, CLUSTER, name, String(SESSION_TIMEOUT_MS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => d.toString().includes('joined') && resolve(child));
    child.once('exit', (code) => reject(new Error(`participant ${name} exited ${code}`)));
  });
}

async function main(): Promise<void> {
  const chroot = `/bench/${randomBytes(6).toString('hex')}`;
  const root = await NodeZkClient.connect({ connectString: ZK, sessionTimeoutMs: 10_000 });
  await root.mkdirp(chroot);
  const connect = `${ZK}${chroot}`;
  const newClient = async (): Promise<ZkClient> => {
    const c = await NodeZkClient.connect({ connectString: connect, sessionTimeoutMs: SESSION_TIMEOUT_MS });
    clients.push(c);
    return c;
  };
  const admin = await NodeZkClient.connect({ connectString: connect, sessionTimeoutMs: 10_000 });
  await setupCluster(admin, paths);
  for (const [q, n] of Object.entries(QUEUES)) await addQueue(admin, paths, q, { numPartitions: n });
  const controllers = [0, 1].map((i) => new HelixController({ cluster: CLUSTER, name: `controller-${i}`, connect: newClient, clock: systemClock, logger }));
  for (const c of controllers) await c.start();
  const noop = { onBecomeOnline: async () => undefined, onBecomeOffline: async () => undefined, onSessionLost: () => undefined };
  const inproc = ['broker-0', 'broker-1'].map(
    (name, i) => new HelixParticipant({ cluster: CLUSTER, instance: name, endpoint: { host: '127.0.0.1', port: 9000 + i }, connect: newClient, handler: noop, clock: systemClock, logger }),
  );
  for (const p of inproc) await p.start();
  const child = await spawnParticipant(connect, 'broker-2');
  await waitFor('initial assignment', async () => {
    const o = await owners(admin);
    return [...o.values()].filter((l) => l[0] === 'broker-2').length === 12 && (await allServedOutside(admin, 'nobody'));
  });

  // 1. Failover after kill -9.
  const t0 = Date.now();
  child.kill('SIGKILL');
  await waitFor('failover', () => allServedOutside(admin, 'broker-2'));
  const failoverMs = Date.now() - t0;

  // 2 + 3. Graceful drain of broker-1 (in-process), counting ZooKeeper writes and unowned gaps.
  await waitFor('balance', async () => [...(await owners(admin)).values()].filter((l) => l[0] === 'broker-1').length === 18);
  const writesBefore = clients.reduce((n, c) => n + c.counters().writes, 0);
  const moved = inproc[1]?.onlinePartitions().length ?? 0;
  const gapStart = new Map<string, number>();
  let maxGapMs = 0;
  const t1 = Date.now();
  const drained = inproc[1]?.drain(30_000);
  await waitFor('hand-off', async () => {
    const now = Date.now();
    for (const [p, list] of await owners(admin)) {
      if (list.length === 0 && !gapStart.has(p)) gapStart.set(p, now);
      if (list.length === 1 && gapStart.has(p)) {
        maxGapMs = Math.max(maxGapMs, now - (gapStart.get(p) ?? now));
        gapStart.delete(p);
      }
    }
    return allServedOutside(admin, 'broker-1');
  });
  const handoffMs = Date.now() - t1;
  await drained;
  await new Promise((r) => setTimeout(r, 300)); // let the last external-view write land before counting
  const writes = clients.reduce((n, c) => n + c.counters().writes, 0) - writesBefore;

  const result = {
    sessionTimeoutMs: SESSION_TIMEOUT_MS,
    failover: { partitions: 12, ms: failoverMs, targetMs: SESSION_TIMEOUT_MS + 2000 },
    gracefulHandoff: { partitions: moved, totalMs: handoffMs, maxUnownedMsPerPartition: maxGapMs },
    zkWritesPerMove: moved > 0 ? +(writes / moved).toFixed(2) : null,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);

  for (const p of inproc) await p.close();
  for (const c of controllers) await c.close();
  for (const c of clients) await c.close();
  await deleteRecursive(admin, paths.root);
  await admin.close();
  await deleteRecursive(root, chroot);
  await root.close();
}

main().catch((e: unknown) => {
  process.stderr.write(`${String(e)}\n`);
  process.exit(1);
});
