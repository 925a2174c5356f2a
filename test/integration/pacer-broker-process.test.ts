/**
 * The broker as its own process (`npx tsx pacer/src/broker/main.ts`) behind Thrift: kill -9 →
 * dequeues fail with a clear error and nothing is lost; restart → buffered unclaimed jobs are
 * simply pending again; SIGTERM → graceful exit releasing its partitions. The restarted broker
 * binds its admin port to `--admin-host 127.0.0.2` (Linux routes all of 127/8 to lo) and answers
 * there, not on 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createPacerBackend, StaticPartitionDirectory, type PacerBackend } from '../../pacer';
import { ErrorCode } from '../../core/src/errors/error-code';
import { JobState } from '../../core/src/types/job-state';
import { assertNoLeaks } from '../support/leak-check';
import { eventually } from '../support/eventually';
import { dequeueReq, freshPacerDb, job, type PacerDb } from './pacer-fixtures';
import { freePort } from '../support/free-port';

const ROOT = join(__dirname, '..', '..');
let fx: PacerDb;
let backend: PacerBackend;
let directory: StaticPartitionDirectory;
let child: ChildProcess | undefined;

interface StartedBroker {
  readonly proc: ChildProcess;
  /** The admin port from its `listening on` line; null without --admin-port. */
  readonly adminPort: number | null;
}

function startBroker(id: string, port: number, extraArgs: readonly string[] = []): Promise<StartedBroker> {
  // `node --import tsx` = what `npx tsx` runs, as ONE process, so signals reach the broker itself.
  const proc = spawn(process.execPath, ['--import', 'tsx', 'pacer/src/broker/main.ts', '--broker-id', id, '--port', String(port), '--database', fx.db.name,
    '--assign', 'proc:0-1', '--safety-sweep-ms', '0', '--log-level', 'silent', ...extraArgs], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').slice(0, -1).find((l) => l.includes('listening on'));
      if (line !== undefined) resolve({ proc, adminPort: (JSON.parse(line) as { adminPort: number | null }).adminPort });
    });
    proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('exit', (code) => reject(new Error(`broker exited ${code}: ${out}`)));
  });
}

function signal(proc: ChildProcess, sig: NodeJS.Signals): void {
  proc.kill(sig);
}

function exited(proc: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (proc.exitCode !== null || proc.signalCode !== null ? resolve(proc.exitCode) : proc.once('exit', (c) => resolve(c))));
}

beforeAll(async () => {
  fx = await freshPacerDb();
  const port = await freePort();
  directory = new StaticPartitionDirectory({ fallback: { host: '127.0.0.1', port } });
  backend = await createPacerBackend({ mysql: fx.mysql, topology: { mode: 'static', directory, brokerCallTimeoutMs: 3000 } });
  await backend.createQueueWithOptions('proc', { numPartitions: 2 });
});
afterAll(async () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) {
    signal(child, 'SIGKILL');
    await exited(child);
  }
  await backend.close();
  await directory.close();
  await fx.db.drop();
});
afterAll(assertNoLeaks);

it('kill -9 loses nothing; a restarted broker serves the buffered jobs again; SIGTERM is graceful', async () => {
  const port = (directory.brokerFor('proc', 0) as { port: number }).port;
  child = (await startBroker('proc-1', port)).proc;
  const descriptors = await backend.enqueueJobs({ queue: 'proc', jobs: Array.from({ length: 40 }, (_, i) => job(`p${i}`)) });
  const first = await backend.dequeueJobs(dequeueReq('proc', 10));
  expect(first.jobs).toHaveLength(10);
  // the broker now buffers the other 30 (unclaimed); kill it hard
  signal(child, 'SIGKILL');
  await exited(child);
  const err = await backend.dequeueJobs(dequeueReq('proc', 10)).catch((e: unknown) => e);
  expect((err as { code?: number }).code).toBe(ErrorCode.SHARD_CONNECTION_FAILED);
  expect(await backend.getJobCount({ queue: 'proc', state: JobState.PENDING, future: false })).toBe(30);
  // enqueue while the broker is down: committed in MySQL, the notification fails quietly
  await backend.enqueueJobs({ queue: 'proc', jobs: [job('while-down')] });
  const restarted = await startBroker('proc-2', port, ['--admin-port', '0', '--admin-host', '127.0.0.2']);
  child = restarted.proc;
  // its admin port listens on the address given, and only there
  expect((await fetch(`http://127.0.0.2:${restarted.adminPort}/live`, { signal: AbortSignal.timeout(5000) })).status).toBe(200);
  await expect(fetch(`http://127.0.0.1:${restarted.adminPort}/live`, { signal: AbortSignal.timeout(5000) })).rejects.toThrow();
  const rest = await eventually(async () => {
    const r = await backend.dequeueJobs(dequeueReq('proc', 100));
    expect(r.jobs).toHaveLength(31);
    return r;
  }, { timeoutMs: 15_000 });
  const all = new Set([...first.jobs, ...rest.jobs].map((j) => j.descriptor));
  for (const d of descriptors) expect(all.has(d)).toBe(true);
  signal(child, 'SIGTERM');
  expect(await exited(child)).toBe(0);
}, 60_000);
