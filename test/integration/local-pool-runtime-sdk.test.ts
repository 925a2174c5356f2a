/**
 * Issue 14, local runtime with real SDK workers: LocalPoolRuntime runs the worker SDK's examples
 * (pacer/examples/noop-worker.ts, demo-worker.ts, through tsx as config/pools.local does) against
 * the real gateway in front of each backend (worker-sdk-fixtures.ts: legacy Redis, legacy MySQL,
 * Pacer, each in a fresh namespace). The only thing telling the workers what to do is the
 * PINLATER_* environment the runtime gives them.
 *
 * What it guards: the replicas of a pool spec drain their queue (every job SUCCEEDED), each
 * worker runs as its pool (PINLATER_WORKER_POOL) with its output in its log file, the status
 * endpoint says healthy; a spec's `statusPort` reaches the workers (PINLATER_WORKER_STATUS_PORT:
 * replica n on statusPort + n, 127.0.0.1) and each serves its SDK status server there (`/health`
 * with its counters, `/live`); and close() with jobs in flight is the SDK's graceful shutdown: every
 * worker exits on SIGTERM within the deadline (no SIGKILL), no job is left IN_PROGRESS and none
 * is lost.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { silentLogger } from '../../core/src/logging/logger';
import { LocalPoolRuntime } from '../../pacer/src/worker-pools/local-pool-runtime';
import { poolName } from '../../pacer/src/worker-pools/pool-name';
import { loadPoolSpecs } from '../../pacer/src/worker-pools/pool-spec';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { assertNoLeaks } from '../support/leak-check';
import { isAlive } from './local-pool-runtime-fixtures';
import {
  BACKENDS, countJobs, freshQueue, JobState, workerSdkSuite, type WorkerSdkSystem,
} from './worker-sdk-fixtures';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
/** What the workers inherit: node (tsx's `#!/usr/bin/env node`) and nothing else of the test's environment. */
const BASE_ENV = { PATH: `${dirname(process.execPath)}:/usr/bin:/bin` };
const FLOW = { timeoutMs: 90_000, intervalMs: 200 };
const REPLICAS = 2;

const suite = workerSdkSuite('local-pool-runtime-sdk', 180_000);
let dir = '';
const runtimes: LocalPoolRuntime[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'local-pool-runtime-sdk-'));
});

afterEach(async () => {
  for (const r of runtimes.splice(0)) await r.close(5000);
  rmSync(dir, { recursive: true, force: true });
});

afterAll(assertNoLeaks);

function startPool(s: WorkerSdkSystem, queue: string, example: string, args: string[], fields: Record<string, unknown> = {}): LocalPoolRuntime {
  const specs = join(dir, 'specs');
  mkdirSync(specs);
  writeFileSync(join(specs, `${queue}.json`), JSON.stringify({
    queue, image: 'registry.example.com/example-only/pinlater-worker:test',
    command: ['node', `dist/pacer/examples/${example}.js`, ...args], localCommand: [TSX, `pacer/examples/${example}.ts`, ...args],
    resources: { requests: { cpu: '100m' } }, minReplicas: REPLICAS, maxReplicas: 4, targetBacklogPerReplica: 10, scaleDownDelaySeconds: 0, concurrency: 4, ...fields,
  }));
  const runtime = new LocalPoolRuntime({
    specs: loadPoolSpecs(specs), gateway: `127.0.0.1:${s.port}`, cwd: ROOT, baseEnv: BASE_ENV, logDir: join(dir, 'logs'), logger: silentLogger(),
  });
  runtimes.push(runtime);
  runtime.start();
  return runtime;
}

/** A port p with p … p + count - 1 all free on 127.0.0.1 a moment ago (the local replicas' status ports). */
async function freePortRange(count: number): Promise<number> {
  for (;;) {
    const first = await freePort();
    if (first + count - 1 > 65_535) continue;
    if (await rangeFree(first + 1, count - 1)) return first;
  }
}

async function rangeFree(first: number, count: number): Promise<boolean> {
  for (let port = first; port < first + count; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}

/** The JSON lines of a replica's log file whose `msg` is `msg`. */
function logLines(queue: string, index: number, msg: string): Array<Record<string, unknown>> {
  const text = readFileSync(join(dir, 'logs', `${poolName(queue)}-${index}.log`), 'utf8');
  return text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === msg);
}

describe.each(BACKENDS)('local pool runtime with SDK workers on %s', (name) => {
  const sys = (): WorkerSdkSystem => suite.system(name);

  it('the replicas of a pool spec drain its queue through the gateway, each as its pool, and the runtime says healthy', async () => {
    const s = sys();
    const queue = freshQueue('lpr_noop');
    await s.createQueue(queue);
    await s.client.enqueue(queue, Array.from({ length: 40 }, (_, i) => ({ body: `job-${i}`, attemptsAllowed: 3 })));
    const statusPort = await freePortRange(REPLICAS);
    const runtime = startPool(s, queue, 'noop-worker', ['--shutdown-deadline-ms', '5000'], { statusPort });

    await eventually(async () => expect(await countJobs(s, queue, JobState.SUCCEEDED)).toBe(40), FLOW);
    // Each replica up as its pool (tsx takes a few seconds: one may have drained the queue alone).
    await eventually(() => {
      for (let i = 0; i < REPLICAS; i++) {
        expect(logLines(queue, i, 'pinlater-noop-worker started')).toEqual([
          expect.objectContaining({ queue, pool: poolName(queue), gateway: `127.0.0.1:${s.port}`, concurrency: 4, statusPort: statusPort + i, statusHost: '127.0.0.1' }),
        ]);
      }
    }, FLOW);
    // Each replica's SDK status server answers on its port: /health with its counters (together, every job), /live.
    const succeeded = await eventually(async () => {
      const counts = await Promise.all(Array.from({ length: REPLICAS }, async (_, i) => {
        const res = await fetch(`http://127.0.0.1:${statusPort + i}/health`);
        expect(res.status).toBe(200);
        const body = (await res.json()) as { role: string; pool: string; counters: { succeeded: number } };
        expect(body).toMatchObject({ role: 'noop-worker', pool: poolName(queue) });
        const live = await fetch(`http://127.0.0.1:${statusPort + i}/live`);
        expect({ status: live.status, text: await live.text() }).toEqual({ status: 200, text: 'OK\n' });
        return body.counters.succeeded;
      }));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(40);
      return counts;
    }, FLOW);
    expect(succeeded).toHaveLength(REPLICAS);
    const health = runtime.health();
    expect(health.problems).toEqual([]);
    expect(health.pools[0]?.runningReplicas).toBe(REPLICAS);
    expect(health.pools[0]?.replicas.map((r) => r.restarts)).toEqual([0, 0]);
  });

  it('close() with jobs in flight: every worker stops on SIGTERM within the deadline, nothing is left IN_PROGRESS or lost', async () => {
    const s = sys();
    const queue = freshQueue('lpr_stop');
    const total = 400;
    await s.createQueue(queue);
    await s.client.enqueue(queue, Array.from({ length: total }, (_, i) => ({ body: `job-${i}`, attemptsAllowed: 3 })));
    const runtime = startPool(s, queue, 'demo-worker', ['--failure-ratio', '0', '--work-max-ms', '1000', '--shutdown-deadline-ms', '8000']);
    await eventually(async () => expect(await countJobs(s, queue, JobState.SUCCEEDED)).toBeGreaterThanOrEqual(10), FLOW);
    // Both replicas have their SIGTERM handling in place (a worker still loading has nothing in flight).
    await eventually(() => {
      for (let i = 0; i < REPLICAS; i++) expect(logLines(queue, i, 'pinlater-demo-worker started')).toHaveLength(1);
    }, FLOW);
    const pids = runtime.health().pools.flatMap((p) => p.replicas.map((r) => r.pid ?? -1));

    const report = await runtime.close(15_000);
    expect(report).toEqual({ graceful: REPLICAS, killed: [] });
    await eventually(() => expect(pids.filter(isAlive)).toEqual([]), { timeoutMs: 2000, intervalMs: 10 });
    for (let i = 0; i < REPLICAS; i++) {
      expect(logLines(queue, i, 'pinlater-demo-worker stopping')).toHaveLength(1);
      expect(logLines(queue, i, 'pinlater-demo-worker stopped')).toHaveLength(1);
    }
    const [inProgress, succeeded, pending] = await Promise.all([JobState.IN_PROGRESS, JobState.SUCCEEDED, JobState.PENDING].map((state) => countJobs(s, queue, state)));
    expect({ inProgress, total: (succeeded ?? 0) + (pending ?? 0) }).toEqual({ inProgress: 0, total });
    expect(pending).toBeGreaterThan(0); // it really stopped mid-queue
  });
});
