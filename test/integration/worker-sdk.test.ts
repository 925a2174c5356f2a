/**
 * The worker SDK (pacer/src/worker-sdk/) against a running gateway on each backend: legacy Redis,
 * legacy MySQL and Pacer (worker-sdk-fixtures.ts). What a job sees and what ends up in the store:
 *
 * - every job is processed exactly once and acked, the acks piggybacked on the dequeues (no
 *   ackDequeuedJobs call at all while the queue keeps the worker busy);
 * - failures are retried after their delays (the handler's RetryableJobError delay, or the worker's
 *   backoff), each run consuming an attempt, and end FAILED when the attempts are used up; a
 *   NonRetryableJobError ends the job FAILED at once;
 * - a job running longer than the claim timeout keeps its claim through checkpoint heartbeats
 *   while the monitor runs (`runMonitorOnce`, claim timeout 2.5 s): it runs once and succeeds.
 *
 * Close, SIGTERM-like deadlines and a gateway restart: worker-sdk-lifecycle.test.ts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { NonRetryableJobError, RetryableJobError, type Job } from '../../pacer/src/worker-sdk';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { BACKENDS, countJobs, freshQueue, JobState, workerSdkSuite, type WorkerSdkSystem } from './worker-sdk-fixtures';

jest.setTimeout(60_000);

const CLAIM_TIMEOUT_MS = 2500;

const { system, startWorker } = workerSdkSuite('worker-sdk', CLAIM_TIMEOUT_MS);
afterAll(assertNoLeaks);

describe.each(BACKENDS)('worker SDK on %s', (name) => {
  const sys = (): WorkerSdkSystem => system(name);

  it('processes every job exactly once and acks it SUCCEEDED, the acks riding on the dequeues', async () => {
    const s = sys();
    const queue = freshQueue('wsdk_once');
    await s.createQueue(queue);
    const bodies = Array.from({ length: 40 }, (_, i) => `job-${i}`);
    await s.client.enqueue(queue, bodies.map((body) => ({ body, attemptsAllowed: 3 })));
    const seen: string[] = [];
    let maxInFlight = 0;
    let inFlight = 0;
    const worker = startWorker(s, queue, {
      concurrency: 4,
      handler: async (job: Job) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        seen.push(job.body.toString());
        expect(job).toMatchObject({ queue, attemptsAllowed: 3, attemptsRemaining: 3, attempt: 1 });
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
      },
    });
    await worker.start();
    await eventually(async () => expect(await countJobs(s, queue, JobState.SUCCEEDED)).toBe(40), { timeoutMs: 20_000, intervalMs: 100 });
    expect([...seen].sort()).toEqual([...bodies].sort());
    expect(maxInFlight).toBeLessThanOrEqual(4);
    expect(await countJobs(s, queue, JobState.IN_PROGRESS)).toBe(0);
    const summary = await worker.close();
    expect(summary).toMatchObject({ unacked: [], released: [], notReleased: [] });
    expect(worker.counters.snapshot()).toMatchObject({ dequeued: 40, succeeded: 40, acksPiggybacked: 40, acksSentAlone: 0, callErrors: 0 });
    expect(s.stats().metrics.get('PinLaterService.ackDequeuedJobs')).toBeUndefined();
  });

  it('retries failures after their delays within the job\'s attempts, then leaves them FAILED; a non-retryable error fails at once', async () => {
    const s = sys();
    const queue = freshQueue('wsdk_retry');
    await s.createQueue(queue);
    const [chosen, backedOff, fatal] = await s.client.enqueue(queue, [
      { body: 'chosen-delay', attemptsAllowed: 3 }, { body: 'backoff', attemptsAllowed: 3 }, { body: 'fatal', attemptsAllowed: 3 },
    ]) as [string, string, string];
    const runs = new Map<string, Array<{ at: number; attempt: number; remaining: number }>>();
    const worker = startWorker(s, queue, {
      concurrency: 3,
      retryBackoff: { initialDelayMs: 1600, maxDelayMs: 1600 },
      handler: (job: Job) => {
        runs.set(job.body.toString(), [...(runs.get(job.body.toString()) ?? []), { at: Date.now(), attempt: job.attempt, remaining: job.attemptsRemaining }]);
        if (job.body.toString() === 'chosen-delay') throw new RetryableJobError('downstream busy', 1200);
        if (job.body.toString() === 'fatal') throw new NonRetryableJobError('malformed body');
        throw new Error('plain failure');
      },
    });
    await worker.start();
    await eventually(async () => expect(await countJobs(s, queue, JobState.FAILED)).toBe(3), { timeoutMs: 30_000, intervalMs: 100 });
    await worker.close();
    for (const [body, delayMs] of [['chosen-delay', 1200], ['backoff', 800]] as const) {
      const r = runs.get(body) ?? [];
      expect({ body, runs: r.map(({ attempt, remaining }) => ({ attempt, remaining })) }).toEqual({ body, runs: [{ attempt: 1, remaining: 3 }, { attempt: 2, remaining: 2 }, { attempt: 3, remaining: 1 }] });
      // The retry runs no earlier than its delay (the backoff's lowest draw is half its ceiling); MySQL keeps whole seconds.
      for (let i = 1; i < r.length; i++) expect({ body, gap: (r[i] as { at: number }).at - (r[i - 1] as { at: number }).at >= delayMs - s.timestampResolutionMs }).toEqual({ body, gap: true });
    }
    expect(runs.get('fatal')).toHaveLength(1);
    const infos = await s.client.lookup([chosen, backedOff, fatal]);
    for (const d of [chosen, backedOff, fatal]) expect(infos[d]).toMatchObject({ jobState: JobState.FAILED, attemptsRemaining: 0 });
    expect(infos[chosen]?.customStatus).toContain('RetryableJobError: downstream busy');
    expect(infos[fatal]?.customStatus).toContain('NonRetryableJobError: malformed body');
    expect(worker.counters.snapshot()).toMatchObject({ retried: 4, failed: 3, succeeded: 0 });
  });

  it('keeps a job longer than the claim timeout claimed with checkpoint heartbeats: it runs once and succeeds', async () => {
    const s = sys();
    const queue = freshQueue('wsdk_long');
    await s.createQueue(queue);
    const [descriptor] = await s.client.enqueue(queue, [{ body: 'long', attemptsAllowed: 3 }]) as [string];
    const runsOf: number[] = [];
    let done = false;
    const worker = startWorker(s, queue, {
      concurrency: 1,
      heartbeatIntervalMs: 500,
      handler: async (job: Job) => {
        runsOf.push(job.attempt);
        const until = Date.now() + 2 * CLAIM_TIMEOUT_MS;
        // The monitor runs while the job works, as the backend's timer would.
        while (Date.now() < until) {
          await s.backend.runMonitorOnce();
          await sleep(100);
        }
        done = true;
      },
    });
    await worker.start();
    await eventually(() => expect(done).toBe(true), { timeoutMs: 20_000, intervalMs: 100 });
    await eventually(async () => expect(await s.client.lookupOne(descriptor)).toMatchObject({ jobState: JobState.SUCCEEDED, attemptsRemaining: 3 }), { timeoutMs: 10_000, intervalMs: 100 });
    await worker.close();
    expect(runsOf).toEqual([1]);
    expect(worker.counters.snapshot().heartbeats).toBeGreaterThanOrEqual(4);
  });
});
