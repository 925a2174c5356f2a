/**
 * The worker SDK's example processes (pacer/examples/) as the local pool runtime runs them: a child
 * process under tsx with the PINLATER_* environment (pacer/src/worker-pools/worker-env.ts), against
 * a real gateway over legacy Redis (worker-sdk-fixtures.ts):
 *
 * - demo-worker.ts works its queue: most jobs succeed, a `--failure-ratio` share fails and is
 *   retried by PinLater; `--status-port` serves its counters on `/health` (the demo's shape) and the
 *   SDK's metrics on `/metrics`; SIGTERM ends it with exit 0, every line it wrote a JSON log line;
 * - noop-worker.ts acks every job succeeded; `--help` prints the flags and the environment; a bad
 *   environment and bad flags are one `fatal` JSON line naming every problem, exit 1.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { assertNoLeaks } from '../support/leak-check';
import { ClusterProcess } from '../support/pacer-processes';
import { countJobs, freshQueue, JobState, workerSdkSuite, type WorkerSdkSystem } from './worker-sdk-fixtures';

jest.setTimeout(60_000);

const ROOT = join(__dirname, '..', '..');
const START_TIMEOUT_MS = 30_000;

const suite = workerSdkSuite('worker-sdk-examples', 180_000, undefined, ['legacy-redis']);
const children: ClusterProcess[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.running) c.signal('SIGKILL');
    await c.exited();
  }
});

afterAll(assertNoLeaks);

function redis(): WorkerSdkSystem {
  return suite.system('legacy-redis');
}

function example(file: string, args: readonly string[], env: Record<string, string>): ClusterProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join('pacer', 'examples', file), ...args], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '', ...env },
  });
  const proc = new ClusterProcess(file, child);
  children.push(proc);
  return proc;
}

function workerEnv(queue: string, s: WorkerSdkSystem): Record<string, string> {
  return { PINLATER_QUEUE: queue, PINLATER_GATEWAY: `127.0.0.1:${s.port}`, PINLATER_WORKER_CONCURRENCY: '4', PINLATER_WORKER_POOL: 'pw-examples-test' };
}

async function getJson(port: number, path: string): Promise<Record<string, unknown>> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

interface DemoTotals {
  succeeded: number;
  failed: number;
  retried: number;
  failedFinal: number;
}

function nonJsonLines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '').filter((line) => {
    try {
      return typeof JSON.parse(line) !== 'object';
    } catch {
      return true;
    }
  });
}

it('demo-worker works its queue, fails a share that PinLater retries, serves /health and /metrics, and stops on SIGTERM', async () => {
  const s = redis();
  const queue = freshQueue('wsdk_demo');
  await s.createQueue(queue);
  await s.client.enqueue(queue, Array.from({ length: 30 }, (_, i) => ({ body: `demo-${i}`, attemptsAllowed: 6 })));
  const statusPort = await freePort();
  const proc = example('demo-worker.ts', ['--status-port', String(statusPort), '--failure-ratio', '0.3', '--retry-delay-ms', '50', '--work-max-ms', '5'], workerEnv(queue, s));
  await proc.waitFor('pinlater-demo-worker started', START_TIMEOUT_MS);
  await eventually(async () => expect(await countJobs(s, queue, JobState.SUCCEEDED) + await countJobs(s, queue, JobState.FAILED)).toBe(30), { timeoutMs: 30_000, intervalMs: 200 });
  const health = await eventually(async () => {
    const h = await getJson(statusPort, '/health') as { totals: DemoTotals; queues: Record<string, DemoTotals> };
    expect(h.totals.succeeded + h.totals.failedFinal).toBe(30);
    return h;
  }, { timeoutMs: 10_000, intervalMs: 200 });
  expect(health).toMatchObject({ role: 'worker', queue, pool: 'pw-examples-test', status: 'running' });
  expect(health.totals.failed).toBeGreaterThan(0);
  expect(health.totals.retried).toBe(health.totals.failed - health.totals.failedFinal);
  expect(health.queues[queue]).toEqual(health.totals);
  const metrics = await (await fetch(`http://127.0.0.1:${statusPort}/metrics`)).text();
  expect(metrics).toMatch(new RegExp(`pinlater_worker_jobs_processed_total\\{[^}]*messaging_destination_name="${queue}"[^}]*pinlater_result="succeeded"`));
  expect(metrics).toContain('pinlater_worker_handler_duration_bucket');
  proc.signal('SIGTERM');
  expect(await proc.exited()).toBe(0);
  expect(proc.logLines('pinlater-demo-worker stopped')).toHaveLength(1);
  expect(proc.logLines('pinlater worker stopped')).toEqual([expect.objectContaining({ queue, pool: 'pw-examples-test', unacked: [], released: 0 })]);
  expect(nonJsonLines(proc.output)).toEqual([]);
});

it('noop-worker acks every job succeeded and exits 0 on SIGTERM', async () => {
  const s = redis();
  const queue = freshQueue('wsdk_noop');
  await s.createQueue(queue);
  await s.client.enqueue(queue, Array.from({ length: 20 }, (_, i) => ({ body: `noop-${i}` })));
  const proc = example('noop-worker.ts', [], workerEnv(queue, s));
  await proc.waitFor('pinlater-noop-worker started', START_TIMEOUT_MS);
  await eventually(async () => expect(await countJobs(s, queue, JobState.SUCCEEDED)).toBe(20), { timeoutMs: 30_000, intervalMs: 200 });
  proc.signal('SIGTERM');
  expect(await proc.exited()).toBe(0);
  expect(nonJsonLines(proc.output)).toEqual([]);
});

it('noop-worker: --help names the flags and the environment; bad settings are one fatal line naming each problem, exit 1', async () => {
  const help = example('noop-worker.ts', ['--help'], {});
  expect(await help.exited()).toBe(0);
  expect(help.streams.stdout).toContain('--status-port <port>');
  expect(help.streams.stdout).toContain('PINLATER_GATEWAY');
  const bad = example('noop-worker.ts', ['--shutdown-deadline-ms', '5'], { PINLATER_QUEUE: 'bad queue', PINLATER_GATEWAY: '', PINLATER_WORKER_CONCURRENCY: '0' });
  expect(await bad.exited()).toBe(1);
  const lines = bad.streams.stderr.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  const fatal = JSON.parse(lines[0] as string) as { level: number; err: { problems: string[] } };
  expect(fatal.level).toBe(60);
  expect(fatal.err.problems).toEqual([
    '--shutdown-deadline-ms: an integer from 100 to 3600000',
    'PINLATER_GATEWAY: not set; host:port of the PinLater gateway, e.g. 127.0.0.1:9010 (or { host, port })',
    'PINLATER_QUEUE: a PinLater queue name (1-255 of [A-Za-z0-9_])',
    'PINLATER_WORKER_CONCURRENCY: an integer from 1 to 1000',
  ]);
});
