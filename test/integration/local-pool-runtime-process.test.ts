/**
 * Issue 14, local runtime: the process (pacer/src/worker-pools/local-pool-runtime-main.ts) as
 * scripts/up.sh runs it, with the trivial test worker (local-pool-runtime-fixtures.ts).
 *
 * What it guards: invalid flags and specs end the process with exit 2 and one fatal JSON line
 * naming every problem; a valid run logs `pinlater-worker-pools started` with its status port,
 * answers GET /health, and on SIGTERM forwards it to every worker, SIGKILLs the one that outlives
 * --stop-deadline, logs `pinlater-worker-pools stopped` and exits 0 with no worker left.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { RuntimeHealth } from '../../pacer/src/worker-pools/local-pool-health';
import { poolName } from '../../pacer/src/worker-pools/pool-name';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { ClusterProcess } from '../support/pacer-processes';
import { testOutcome } from '../support/test-outcome';
import { isAlive, RuntimeScratch } from './local-pool-runtime-fixtures';

jest.setTimeout(90_000);

const ROOT = join(__dirname, '..', '..');
const MAIN = 'pacer/src/worker-pools/local-pool-runtime-main.ts';

let scratch: RuntimeScratch;
const procs: ClusterProcess[] = [];

beforeEach(() => {
  scratch = new RuntimeScratch();
});

afterEach(async () => {
  const outcome = testOutcome();
  for (const p of procs.splice(0)) {
    if (outcome?.scopeFailed() === true) outcome.report(`${p.name}, last lines:\n${p.output.split('\n').slice(-30).join('\n')}`);
    if (p.running) {
      p.signal('SIGKILL');
      await p.exited();
    }
  }
  for (const pid of scratch.records('started').map((r) => r.pid)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  scratch.remove();
});
afterAll(assertNoLeaks);

function runMain(...args: string[]): ClusterProcess {
  const proc = new ClusterProcess('pinlater-worker-pools', spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
  procs.push(proc);
  return proc;
}

it('exits 2 with one fatal JSON line naming every problem of the flags and the specs', async () => {
  scratch.writeSpec('good_queue');
  scratch.writeSpec('bad-queue', {}, { concurrency: 0 });
  const proc = runMain('--specs', scratch.specsDir, '--gateway', 'no-port', '--replicas', '-1');
  expect(await proc.exited()).toBe(2);
  expect(proc.streams.stdout).toBe('');
  const lines = proc.streams.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  const fatal = JSON.parse(lines[0] ?? '') as { level: number; name: string; msg: string; err: { problems: string[] } };
  expect(fatal).toMatchObject({ level: 60, name: 'pinlater-worker-pools' });
  expect(fatal.err.problems).toEqual([
    '--gateway: host:port with a port 1-65535, e.g. 127.0.0.1:9010',
    expect.stringMatching(/^--replicas: /),
    `${join(scratch.specsDir, 'bad-queue.json')}: queue: a PinLater queue name: letters, digits and _`,
    `${join(scratch.specsDir, 'bad-queue.json')}: concurrency: Too small: expected number to be >=1`,
  ]);
  expect(fatal.msg).toContain('pinlater-worker-pools: Invalid worker pool runtime configuration:');
});

it('runs the pools, serves /health, and on SIGTERM stops every worker (SIGKILL after --stop-deadline), then exits 0', async () => {
  scratch.writeSpec('polite_queue', { termDelayMs: 100 }, { minReplicas: 2 });
  scratch.writeSpec('stubborn_queue', { ignoreTerm: true, grandchild: true });
  const proc = runMain(
    '--specs', scratch.specsDir, '--gateway', '127.0.0.1:1', '--status-port', '0', '--log-dir', scratch.logDir, '--stop-deadline', '1',
    '--workdir', scratch.dir, '--backoff-initial-ms', '100',
  );
  await proc.waitFor('pinlater-worker-pools started', 60_000);
  const [startedLine] = proc.logLines('pinlater-worker-pools started');
  expect(startedLine).toMatchObject({ gateway: '127.0.0.1:1', logDir: scratch.logDir, stopDeadlineMs: 1000, pools: { polite_queue: 2, stubborn_queue: 1 } });
  const statusPort = Number(startedLine?.statusPort);

  const health = await eventually(async () => {
    const res = await fetch(`http://127.0.0.1:${statusPort}/health`);
    const body = (await res.json()) as RuntimeHealth;
    expect(body.problems).toEqual([]);
    expect(res.status).toBe(200);
    return body;
  }, { timeoutMs: 30_000, intervalMs: 50 });
  const pids = health.pools.flatMap((p) => p.replicas.map((r) => r.pid ?? -1));
  expect(pids).toHaveLength(3);
  const grandchild = await eventually(() => {
    const g = scratch.records<{ grandchild: number }>('grandchild')[0];
    if (g === undefined) throw new Error('no grandchild yet');
    return g.grandchild;
  }, { timeoutMs: 10_000 });
  await eventually(() => expect(pids.every((pid) => scratch.hasRecord('started', pid))).toBe(true), { timeoutMs: 10_000 });
  expect((await fetch(`http://127.0.0.1:${statusPort}/nope`)).status).toBe(404);

  proc.signal('SIGTERM');
  expect(await proc.exited()).toBe(0);
  expect(proc.logLines('pinlater-worker-pools stopped')).toHaveLength(1);
  expect(proc.logLines('some workers needed SIGKILL')[0]).toMatchObject({ graceful: 2, killed: [{ pool: poolName('stubborn_queue'), replica: 0 }] });
  for (const pid of pids) expect(scratch.hasRecord('term', pid)).toBe(true);
  await eventually(() => expect([...pids, grandchild].filter(isAlive)).toEqual([]), { timeoutMs: 2000, intervalMs: 10 });
  // Every line the runtime wrote is JSON (the workers wrote to their log files).
  for (const line of proc.output.trim().split('\n')) expect(() => JSON.parse(line) as unknown).not.toThrow();
});
