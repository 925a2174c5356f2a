/**
 * MySQL failures mid-traffic (FACTS §3.9, §8): a second MariaDB started by this test on a free
 * port with its own datadir is frozen (SIGSTOP), then killed (SIGKILL), then restarted. Calls must
 * fail with a clear PinLater error within bounded time (query, connect and pool-wait timeouts),
 * the backend must recover by itself when the server is back, and no acknowledged job may be lost.
 */
import { ErrorCode } from '../../core/src/errors/error-code';
import { PinLaterError } from '../../core/src/errors/pinlater-error';
import { JobState } from '../../core/src/types/job-state';
import { uniqueMysqlInstanceId } from '../support/namespaces';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { freePort } from '../support/free-port';
import { ScratchMariaDb } from '../support/scratch-mariadb';
import { mysqlTestSettings, startMysqlBackend, type MysqlBackendHarness } from './legacy-mysql-fixtures';

/** The failure as a comparable value, so a wrong outcome prints what it was (success included). */
function outcome(error: unknown): { code: ErrorCode | 'not a PinLaterError' | 'succeeded'; message: string } {
  if (error === undefined) return { code: 'succeeded', message: '' };
  if (PinLaterError.is(error)) return { code: error.code, message: error.message };
  return { code: 'not a PinLaterError', message: String(error) };
}

async function timed<T>(p: Promise<T>): Promise<{ ms: number; error: unknown }> {
  const start = Date.now();
  const error = await p.then(() => undefined, (e: unknown) => e);
  return { ms: Date.now() - start, error };
}

describe('legacy MySQL when the server goes away', () => {
  let server: ScratchMariaDb;
  let h: MysqlBackendHarness;
  const id = uniqueMysqlInstanceId();
  const acknowledged = new Set<string>();
  const job = (i: string) => ({ body: Buffer.from(i), priority: 1, attemptsAllowed: 1, customStatus: '' });
  const enqueue = async (tag: string) => {
    const [d] = await h.backend.enqueueJobs({ queue: 'fq', jobs: [job(tag)] });
    acknowledged.add(d!);
    return d!;
  };

  beforeAll(async () => {
    server = new ScratchMariaDb(await freePort(), 'legacy-mysql-faults');
    await server.install();
    await server.start();
    h = await startMysqlBackend({
      instances: [{ id, port: server.port }],
      settings: mysqlTestSettings({ autoRetries: 2, socketTimeoutMs: 1500, connectionMaxWaitMs: 1000, connectionsPerShard: 4 }),
    });
    await h.backend.createQueue('fq');
    for (let i = 0; i < 30; i++) await enqueue(`before-${i}`);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    await server?.dispose();
  });
  afterAll(() => assertNoLeaks());

  it('a frozen server fails calls with UNKNOWN within the socket/pool timeouts, then recovers', async () => {
    await server.freeze();
    try {
      const enq = await timed(enqueue('frozen'));
      expect(outcome(enq.error)).toEqual({ code: ErrorCode.UNKNOWN, message: expect.stringMatching(/CommunicationsException|SQLNestedException/) });
      expect(enq.ms).toBeLessThan(12_000);
      const deq = await timed(h.backend.dequeueJobs({ queue: 'fq', limit: 5, dryRun: false, coverage: 1, claimDescriptor: 'h:1:1:s:1' }));
      expect(outcome(deq.error)).toEqual({ code: ErrorCode.UNKNOWN, message: expect.any(String) });
      expect(deq.ms).toBeLessThan(12_000);
      expect(h.stats.counter('mysql-overload-enqueue')).toBeGreaterThan(0);
      expect(h.stats.counter('enqueue-failures-retry')).toBeGreaterThan(0);
    } finally {
      server.thaw();
    }
    await eventually(() => enqueue('after-freeze'), { timeoutMs: 20_000, intervalMs: 200 });
  }, 60_000);

  it('a killed server fails calls fast, and the pool reconnects when it is back', async () => {
    await server.kill();
    const enq = await timed(enqueue('dead'));
    expect(outcome(enq.error)).toEqual({ code: ErrorCode.UNKNOWN, message: expect.stringMatching(/CommunicationsException.*ECONNREFUSED|SQLNestedException/) });
    expect(enq.ms).toBeLessThan(12_000);
    const count = await timed(h.backend.getJobCount({ queue: 'fq', state: JobState.PENDING, future: false }));
    expect(outcome(count.error)).toEqual({ code: ErrorCode.UNKNOWN, message: expect.any(String) });
    await server.start();
    await eventually(() => enqueue('after-restart'), { timeoutMs: 20_000, intervalMs: 200 });
    for (let i = 0; i < 10; i++) await enqueue(`after-${i}`);
  }, 90_000);

  it('lost no acknowledged job', async () => {
    const delivered = new Set<string>();
    for (;;) {
      const { jobs } = await h.backend.dequeueJobs({ queue: 'fq', limit: 100, dryRun: false, coverage: 1, claimDescriptor: `h:1:1:s:${delivered.size}` });
      if (jobs.length === 0) break;
      jobs.forEach((j) => delivered.add(j.descriptor));
    }
    expect(acknowledged.size).toBe(30 + 1 + 1 + 10);
    for (const d of acknowledged) expect(delivered).toContain(d);
  }, 30_000);
});
