/**
 * Issue 14, local runtime: LocalPoolRuntime (pacer/src/worker-pools/local-pool-runtime.ts) runs
 * real child processes (a trivial Node worker that connects nowhere, local-pool-runtime-fixtures.ts)
 * from pool specs loaded by loadPoolSpecs, with a short restart policy.
 *
 * What it guards: replicas per pool with the worker environment (a spec's statusPort as
 * PINLATER_WORKER_STATUS_PORT = statusPort + the replica's index, on 127.0.0.1) and per-replica log files; the
 * status endpoint (200 / 503 and why); restart with backoff, including the sweep of what an
 * exited worker left in its process group; crash-looping (entered once, retried at the maximum
 * backoff, left after a stable run); close(): SIGTERM forwarded and awaited within the deadline,
 * SIGKILL to the process group after it, and no worker or grandchild left afterwards.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RuntimeHealth } from '../../pacer/src/worker-pools/local-pool-health';
import { LocalPoolRuntime } from '../../pacer/src/worker-pools/local-pool-runtime';
import type { ReplicaStatus } from '../../pacer/src/worker-pools/local-replica';
import type { RestartPolicySettings } from '../../pacer/src/worker-pools/local-restart-policy';
import { LocalStatusServer } from '../../pacer/src/worker-pools/local-status-server';
import { poolName } from '../../pacer/src/worker-pools/pool-name';
import { loadPoolSpecs } from '../../pacer/src/worker-pools/pool-spec';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { captureLogs, type LogCapture } from '../support/log-capture';
import { isAlive, RuntimeScratch } from './local-pool-runtime-fixtures';

jest.setTimeout(60_000);

const GATEWAY = '127.0.0.1:1';
const POLICY: RestartPolicySettings = { initialBackoffMs: 50, maxBackoffMs: 400, crashLoopExits: 3, crashLoopWindowMs: 30_000, stableAfterMs: 1500 };
const WAIT = { timeoutMs: 20_000, intervalMs: 20 };

interface Started {
  readonly runtime: LocalPoolRuntime;
  readonly status: LocalStatusServer;
  readonly logs: LogCapture;
}

let scratch: RuntimeScratch;
const open: Started[] = [];

beforeEach(() => {
  scratch = new RuntimeScratch();
});

afterEach(async () => {
  for (const s of open.splice(0)) {
    await s.runtime.close(100);
    await s.status.close();
  }
  scratch.remove();
});
afterAll(assertNoLeaks);

async function startRuntime(options: { replicas?: Map<string, number>; policy?: RestartPolicySettings } = {}): Promise<Started> {
  const logs = captureLogs('info');
  const runtime = new LocalPoolRuntime({
    specs: loadPoolSpecs(scratch.specsDir), gateway: GATEWAY, cwd: scratch.dir, baseEnv: { PATH: '/usr/bin:/bin', TEST_BASE_VAR: 'from-the-runtime' },
    logDir: scratch.logDir, replicas: options.replicas, policy: options.policy ?? POLICY, logger: logs.logger,
  });
  const status = await LocalStatusServer.start(0, () => runtime.health());
  const started = { runtime, status, logs };
  open.push(started);
  runtime.start();
  return started;
}

async function getHealth(s: Started): Promise<{ code: number; body: RuntimeHealth }> {
  const res = await fetch(`http://127.0.0.1:${s.status.port}/health`);
  return { code: res.status, body: (await res.json()) as RuntimeHealth };
}

/** Waits until the endpoint says 200 and returns the health. */
async function healthy(s: Started): Promise<RuntimeHealth> {
  return eventually(async () => {
    const h = await getHealth(s);
    expect(h.body.problems).toEqual([]);
    expect(h.code).toBe(200);
    return h.body;
  }, WAIT);
}

function replica(health: RuntimeHealth, queue: string, index = 0): ReplicaStatus {
  const r = health.pools.find((p) => p.queue === queue)?.replicas[index];
  if (r === undefined) throw new Error(`no replica ${index} of ${queue}`);
  return r;
}

function pidOf(r: ReplicaStatus): number {
  if (r.pid === null) throw new Error(`replica ${r.index} has no pid`);
  return r.pid;
}

it('runs each pool\'s replicas with the worker environment and their output in per-replica log files; 200 when all run', async () => {
  scratch.writeSpec('pool_a', {}, { minReplicas: 2 });
  scratch.writeSpec('pool_b', {}, { minReplicas: 1 });
  scratch.writeSpec('pool_c', {}, { minReplicas: 1 });
  const s = await startRuntime({ replicas: new Map([['pool_b', 3], ['pool_c', 0]]) });

  const health = await healthy(s);
  expect(health.pools.map((p) => [p.queue, p.pool, p.desiredReplicas, p.runningReplicas])).toEqual([
    ['pool_a', poolName('pool_a'), 2, 2], ['pool_b', poolName('pool_b'), 3, 3], ['pool_c', poolName('pool_c'), 0, 0],
  ]);
  const pids = health.pools.flatMap((p) => p.replicas.map(pidOf));
  expect(new Set(pids).size).toBe(5);
  for (const r of health.pools.flatMap((p) => p.replicas)) expect(r).toMatchObject({ state: 'running', restarts: 0, lastExit: null });

  const started = await eventually(() => {
    const records = scratch.records<{ env: Record<string, string>; cwd: string }>('started');
    expect(records.map((r) => r.pid).sort()).toEqual([...pids].sort());
    return records;
  }, WAIT);
  const b = started.find((r) => r.pid === pidOf(replica(health, 'pool_b', 2)));
  expect(b).toMatchObject({
    cwd: scratch.dir,
    env: {
      PINLATER_QUEUE: 'pool_b', PINLATER_GATEWAY: GATEWAY, PINLATER_WORKER_CONCURRENCY: '3', PINLATER_WORKER_POOL: poolName('pool_b'),
      TEST_SPEC_VAR: 'spec-pool_b', TEST_BASE_VAR: 'from-the-runtime',
    },
  });
  const logFile = join(scratch.logDir, `${poolName('pool_b')}-2.log`);
  expect(replica(health, 'pool_b', 2).logFile).toBe(logFile);
  await eventually(() => expect(readFileSync(logFile, 'utf8')).toContain(`test worker ${pidOf(replica(health, 'pool_b', 2))} serving pool_b`), WAIT);
});

it('gives the replicas of a spec with a statusPort their own status port on 127.0.0.1 (statusPort + index), and none to a spec without', async () => {
  scratch.writeSpec('pool_s', {}, { minReplicas: 2, statusPort: 20_100 });
  scratch.writeSpec('pool_n', {}, { minReplicas: 1 });
  const health = await healthy(await startRuntime());
  const envOf = await eventually(() => {
    const records = scratch.records<{ env: Record<string, string> }>('started');
    expect(records).toHaveLength(3);
    return (queue: string, index: number): Record<string, string> | undefined => records.find((r) => r.pid === pidOf(replica(health, queue, index)))?.env;
  }, WAIT);
  expect(envOf('pool_s', 0)).toMatchObject({ PINLATER_QUEUE: 'pool_s', PINLATER_WORKER_STATUS_PORT: '20100', PINLATER_WORKER_STATUS_HOST: '127.0.0.1' });
  expect(envOf('pool_s', 1)).toMatchObject({ PINLATER_QUEUE: 'pool_s', PINLATER_WORKER_STATUS_PORT: '20101', PINLATER_WORKER_STATUS_HOST: '127.0.0.1' });
  expect(Object.keys(envOf('pool_n', 0) ?? {}).filter((k) => k.startsWith('PINLATER_WORKER_STATUS'))).toEqual([]);
  expect(envOf('pool_n', 0)).toMatchObject({ PINLATER_QUEUE: 'pool_n' });
});

it('restarts a replica that exits after the backoff (503 "restarting" meanwhile), and kills what it left in its process group', async () => {
  scratch.writeSpec('pool_r', { grandchild: true, exitCode: 7 });
  const s = await startRuntime({ policy: { ...POLICY, initialBackoffMs: 1500 } });
  const first = pidOf(replica(await healthy(s), 'pool_r'));
  const grandchild = await eventually(() => {
    const g = scratch.records<{ grandchild: number }>('grandchild').find((r) => r.pid === first);
    if (g === undefined) throw new Error('no grandchild yet');
    return g.grandchild;
  }, WAIT);
  expect(isAlive(grandchild)).toBe(true);

  process.kill(first, 'SIGUSR2'); // the worker exits with code 7
  const waiting = await eventually(async () => {
    const h = await getHealth(s);
    expect(h.code).toBe(503);
    return h.body;
  }, WAIT);
  expect(replica(waiting, 'pool_r')).toMatchObject({ state: 'restarting', pid: null, lastExit: { code: 7, signal: null } });
  expect(waiting.problems).toEqual([expect.stringMatching(/^pool_r \(pw-pool-r-[0-9a-f]{8}\) replica 0: restarting, last exit code 7, next start in [12] s$/)]);
  await eventually(() => expect(isAlive(grandchild)).toBe(false), { timeoutMs: 2000, intervalMs: 10 });

  const after = await healthy(s);
  expect(replica(after, 'pool_r')).toMatchObject({ state: 'running', restarts: 1, consecutiveExits: 1, lastExit: { code: 7 } });
  expect(pidOf(replica(after, 'pool_r'))).not.toBe(first);
  expect(isAlive(first)).toBe(false);
  expect(s.logs.lines().filter((l) => l.msg === `worker pool ${poolName('pool_r')} replica 0 exited; restarting`)).toHaveLength(1);
});

it('a replica that keeps exiting is crash-looping: 503, logged once, retried at the maximum backoff, and running again after a stable run', async () => {
  const crashFile = join(scratch.dir, 'crash');
  writeFileSync(crashFile, '');
  scratch.writeSpec('pool_crash', { crashFile, exitCode: 3 });
  scratch.writeSpec('pool_fine');
  const s = await startRuntime();

  const looping = await eventually(async () => {
    const h = await getHealth(s);
    expect(replica(h.body, 'pool_crash').state).toBe('crash-looping');
    expect(h.code).toBe(503);
    return h.body;
  }, WAIT);
  expect(replica(looping, 'pool_fine').state).toBe('running');
  expect(looping.problems).toEqual([expect.stringContaining(`pool_crash (${poolName('pool_crash')}) replica 0: crash-looping (`)]);
  expect(looping.problems[0]).toContain('last exit code 3');
  expect(looping.problems[0]).toContain(`see ${join(scratch.logDir, `${poolName('pool_crash')}-0.log`)}`);
  expect(readFileSync(join(scratch.logDir, `${poolName('pool_crash')}-0.log`), 'utf8')).toContain('crashing with code 3');

  // Retried at the maximum backoff: two more exits while crash-looping, the loud line still once.
  const restarts = replica(looping, 'pool_crash').restarts;
  await eventually(() => expect(replica(s.runtime.health(), 'pool_crash').restarts).toBeGreaterThanOrEqual(restarts + 2), WAIT);
  const loud = s.logs.lines().filter((l) => String(l.msg).includes('is CRASH-LOOPING'));
  expect(loud).toHaveLength(1);
  expect(loud[0]).toMatchObject({ level: 50, state: 'crash-looping', restartInMs: POLICY.maxBackoffMs, exit: { code: 3 } });
  const again = await eventually(() => {
    const lines = s.logs.lines().filter((l) => String(l.msg).endsWith('exited again (crash-looping)'));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    return lines;
  }, WAIT);
  expect(again.every((l) => l.restartInMs === POLICY.maxBackoffMs)).toBe(true);

  // The cause goes away: the next start runs, stays crash-looping until it has run stableAfterMs.
  rmSync(crashFile);
  const alive = await eventually(() => {
    const r = replica(s.runtime.health(), 'pool_crash');
    expect(r.pid).not.toBeNull();
    return r;
  }, WAIT);
  if ((alive.uptimeMs ?? 0) < POLICY.stableAfterMs) expect(alive.state).toBe('crash-looping');
  const recovered = await healthy(s);
  expect(replica(recovered, 'pool_crash')).toMatchObject({ state: 'running', consecutiveExits: 0, pid: alive.pid });
});

it('close() forwards SIGTERM and waits for workers that finish within the deadline', async () => {
  scratch.writeSpec('pool_g', { termDelayMs: 300 }, { minReplicas: 2 });
  const s = await startRuntime();
  const pids = (await healthy(s)).pools.flatMap((p) => p.replicas.map(pidOf));
  await eventually(() => expect(pids.every((pid) => scratch.hasRecord('started', pid))).toBe(true), WAIT); // SIGTERM handlers installed

  const began = Date.now();
  const report = await s.runtime.close(10_000);
  expect(Date.now() - began).toBeLessThan(10_000);
  expect(report).toEqual({ graceful: 2, killed: [] });
  for (const pid of pids) expect(scratch.hasRecord('term', pid)).toBe(true);
  await eventually(() => expect(pids.filter(isAlive)).toEqual([]), { timeoutMs: 2000, intervalMs: 10 });
  const h = await getHealth(s);
  expect(h.code).toBe(503);
  expect(h.body.problems[0]).toBe('the runtime is stopping');
  expect(h.body.pools[0]?.replicas.map((r) => r.state)).toEqual(['stopped', 'stopped']);
  expect(s.logs.lines().filter((l) => l.msg === 'stopping worker replica: SIGTERM')).toHaveLength(2);
});

it('close() SIGKILLs the process group of a worker still running at the deadline: no worker or grandchild survives', async () => {
  scratch.writeSpec('pool_stubborn', { ignoreTerm: true, grandchild: true });
  scratch.writeSpec('pool_polite', { grandchild: true });
  const crashFile = join(scratch.dir, 'crash');
  writeFileSync(crashFile, '');
  scratch.writeSpec('pool_waiting', { crashFile }); // in its restart wait when close() comes
  const s = await startRuntime();
  const stubborn = await eventually(() => pidOf(replica(s.runtime.health(), 'pool_stubborn')), WAIT);
  const polite = await eventually(() => pidOf(replica(s.runtime.health(), 'pool_polite')), WAIT);
  const grandchildren = await eventually(() => {
    const g = scratch.records<{ grandchild: number }>('grandchild').filter((r) => r.pid === stubborn || r.pid === polite);
    expect(g).toHaveLength(2);
    return g.map((r) => r.grandchild);
  }, WAIT);

  const began = Date.now();
  const report = await s.runtime.close(700);
  expect(Date.now() - began).toBeGreaterThanOrEqual(700);
  expect(report).toEqual({ graceful: 2, killed: [{ pool: poolName('pool_stubborn'), replica: 0 }] });
  expect(scratch.hasRecord('term', stubborn)).toBe(true); // it was asked first
  // SIGKILL is delivered at once but a process takes a moment to die: poll, briefly.
  await eventually(() => expect([stubborn, polite, ...grandchildren].filter(isAlive)).toEqual([]), { timeoutMs: 2000, intervalMs: 10 });
  expect(s.runtime.health().pools.flatMap((p) => p.replicas.map((r) => [r.state, r.pid, r.nextStartInMs]))).toEqual([
    ['stopped', null, null], ['stopped', null, null], ['stopped', null, null],
  ]);
  const every = scratch.records('started').map((r) => r.pid);
  expect(every.filter(isAlive)).toEqual([]);
  expect(s.logs.lines().some((l) => String(l.msg).includes('still running 700 ms after SIGTERM: SIGKILL to its process group'))).toBe(true);
  expect(existsSync(join(scratch.logDir, `${poolName('pool_stubborn')}-0.log`))).toBe(true);
});
