/**
 * Pacer when its MySQL goes away mid-traffic: a second MariaDB started by this test (own datadir,
 * free port) is killed (SIGKILL) while producers and consumers run, then restarted on the same
 * datadir. While it is down every call fails fast with a clear PinLater error
 * (SHARD_CONNECTION_FAILED "Pacer MySQL connection failed…"); when it is back the backend and its
 * broker recover by themselves (no restart, no manual step); no job whose enqueue was acknowledged
 * is lost: after the claim-timeout monitor re-queues jobs whose acks failed during the outage,
 * every one of them is dequeued and acked.
 */
import { ErrorCode } from '../../core/src/errors/error-code';
import { PinLaterError } from '../../core/src/errors/pinlater-error';
import { JobState } from '../../core/src/types/job-state';
import { createPacerBackend, type PacerBackend } from '../../pacer';
import { migrateDatabase } from '../../pacer/src/migrate';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { freePort } from '../support/free-port';
import { ScratchMariaDb } from '../support/scratch-mariadb';

const QUEUE = 'outage';
const CLAIM_TIMEOUT_MS = 1000;

let server: ScratchMariaDb;
let backend: PacerBackend;
let claimSeq = 0;
const acknowledged = new Set<string>();
const acked = new Set<string>();

function job(tag: string) {
  return { body: Buffer.from(tag), priority: 1, attemptsAllowed: 3, customStatus: '' };
}

async function enqueue(tag: string): Promise<void> {
  const [d] = await backend.enqueueJobs({ queue: QUEUE, jobs: [job(tag)] });
  acknowledged.add(d as string);
}

/** One dequeue + success ack; returns how many jobs it acked. */
async function consumeOnce(limit: number): Promise<number> {
  const { jobs } = await backend.dequeueJobs({ queue: QUEUE, limit, dryRun: false, coverage: 1, claimDescriptor: `outage:1:1:c:${(claimSeq += 1)}` });
  if (jobs.length === 0) return 0;
  await backend.ackDequeuedJobs({ queue: QUEUE, succeeded: jobs.map((j) => ({ descriptor: j.descriptor, appendCustomStatus: '', retryDelayMs: 0 })), failed: [] });
  for (const j of jobs) acked.add(j.descriptor);
  return jobs.length;
}

interface Failure {
  op: string;
  ms: number;
  error: unknown;
}

beforeAll(async () => {
  server = new ScratchMariaDb(await freePort(), 'pacer-mysql-outage');
  await server.install();
  await server.start();
  const mysql = { host: '127.0.0.1', port: server.port, user: 'root', password: '', database: 'pacer_outage' };
  await migrateDatabase(mysql);
  backend = await createPacerBackend({
    mysql: { ...mysql, connectTimeoutMs: 2000 },
    monitor: { claimTimeoutMs: CLAIM_TIMEOUT_MS },
    topology: { mode: 'embedded', brokerId: 'outage-broker', safetySweepMs: 1000 },
  });
  await backend.createQueue(QUEUE);
  for (let i = 0; i < 100; i += 1) await enqueue(`before-${i}`);
}, 120_000);

afterAll(async () => {
  await backend?.close();
  await server?.dispose();
});
afterAll(assertNoLeaks);

it('MySQL killed mid-traffic: clear errors fast, automatic recovery, nothing lost', async () => {
  let stop = false;
  let phase: 'up' | 'down' | 'back' = 'up';
  const failures: Failure[] = [];
  const successesWhile = { down: 0, back: 0 };
  const attempt = async (op: string, fn: () => Promise<unknown>): Promise<void> => {
    const t0 = Date.now();
    try {
      await fn();
      if (phase !== 'up') successesWhile[phase] += 1;
    } catch (error) {
      failures.push({ op, ms: Date.now() - t0, error });
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  let seq = 0;
  const producer = (async () => {
    while (!stop) {
      await attempt('enqueue', () => enqueue(`during-${(seq += 1)}`));
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const consumers = Array.from({ length: 4 }, async () => {
    while (!stop) await attempt('dequeue+ack', () => consumeOnce(5));
  });

  // traffic flows, then the server dies under it
  await eventually(() => expect(acked.size).toBeGreaterThanOrEqual(40), { timeoutMs: 20_000 });
  await server.kill();
  phase = 'down';
  await eventually(() => {
    expect(failures.filter((f) => f.op === 'enqueue').length).toBeGreaterThanOrEqual(3);
    expect(failures.filter((f) => f.op === 'dequeue+ack').length).toBeGreaterThanOrEqual(3);
  }, { timeoutMs: 20_000 });
  const health = await backend.health();
  expect(health.healthy).toBe(false);

  // back on the same datadir: the running backend and broker recover by themselves
  await server.start();
  phase = 'back';
  await eventually(() => expect(successesWhile.back).toBeGreaterThanOrEqual(20), { timeoutMs: 30_000, intervalMs: 100 });
  stop = true;
  await Promise.all([producer, ...consumers]);
  expect((await backend.health()).healthy).toBe(true);

  // every failure was a clear PinLater connection error, and none took long
  expect(failures.length).toBeGreaterThan(0);
  for (const f of failures) {
    expect(PinLaterError.is(f.error, ErrorCode.SHARD_CONNECTION_FAILED)).toBe(true);
    expect((f.error as Error).message).toMatch(/Pacer MySQL connection failed/);
    expect(f.ms).toBeLessThan(5000);
  }

  // jobs claimed before the crash whose acks failed are IN_PROGRESS: the claim-timeout monitor
  // re-queues them (attempts left), then everything drains
  await new Promise((r) => setTimeout(r, CLAIM_TIMEOUT_MS + 50)); // the claims must age past the timeout
  await backend.runMonitorOnce();
  await eventually(async () => {
    while ((await consumeOnce(50)) > 0);
    expect(await backend.getJobCount({ queue: QUEUE, state: JobState.PENDING, future: false })).toBe(0);
    expect(await backend.getJobCount({ queue: QUEUE, state: JobState.IN_PROGRESS, future: false })).toBe(0);
  }, { timeoutMs: 20_000, intervalMs: 200 });

  // nothing lost: every acknowledged enqueue ended SUCCEEDED (an enqueue whose reply was lost may
  // have committed too: SUCCEEDED can only be larger)
  const infos = await backend.lookupJobs({ descriptors: [...acknowledged], includeBody: false });
  for (const d of acknowledged) expect(infos.get(d)?.state).toBe(JobState.SUCCEEDED);
  const succeeded = await backend.getJobCount({ queue: QUEUE, state: JobState.SUCCEEDED, future: false });
  expect(succeeded).toBeGreaterThanOrEqual(acknowledged.size);
  expect(acknowledged.size).toBeGreaterThan(100);
}, 120_000);
