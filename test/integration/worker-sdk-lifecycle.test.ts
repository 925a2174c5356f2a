/**
 * The worker SDK's lifecycle against a running gateway on each backend (legacy Redis, legacy MySQL,
 * Pacer; worker-sdk-fixtures.ts):
 *
 * - close() with jobs in flight: no more dequeues, the jobs finish, their acks go out in one final
 *   ackDequeuedJobs call; the jobs it never took stay PENDING (nothing lost, nothing run twice);
 * - close() whose deadline passes while handlers still run: their signal aborts and the jobs are
 *   handed back to PENDING with no attempt consumed, and close resolves within the deadline;
 * - dequeues refused as rate-limited: the worker waits them out (its idle backoff) and keeps the acks
 *   they carried (PinLater runs none of a refused dequeue's acks) until a dequeue is accepted;
 * - the gateway restarted mid-run (connection loss, and refused connections while it is down):
 *   the worker reconnects on its own and every job ends SUCCEEDED, each run once, acks held back
 *   during the outage sent after it.
 */
import type { Job } from '../../pacer/src/worker-sdk';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { BACKENDS, countJobs, freshQueue, JobState, workerSdkSuite, type WorkerSdkSystem } from './worker-sdk-fixtures';

jest.setTimeout(60_000);

const { system, startWorker } = workerSdkSuite('worker-sdk-lifecycle', 180_000, 300);
afterAll(assertNoLeaks);

/** A gate the handlers wait on until the test opens it. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

describe.each(BACKENDS)('worker SDK lifecycle on %s', (name) => {
  const sys = (): WorkerSdkSystem => system(name);

  it('close() lets the jobs in flight finish and sends their acks; the jobs never taken stay PENDING', async () => {
    const s = sys();
    const queue = freshQueue('wsdk_close');
    await s.createQueue(queue);
    await s.client.enqueue(queue, Array.from({ length: 8 }, (_, i) => ({ body: `job-${i}` })));
    const release = gate();
    const started: string[] = [];
    const worker = startWorker(s, queue, {
      concurrency: 4,
      handler: async (job: Job) => {
        started.push(job.descriptor);
        await release.wait;
      },
    });
    await worker.start();
    await eventually(() => expect(worker.inFlight).toBe(4), { timeoutMs: 10_000 });
    const closing = worker.close({ deadlineMs: 10_000 });
    release.open();
    const summary = await closing;
    expect(summary).toMatchObject({ finished: 4, released: [], notReleased: [], unacked: [] });
    expect(started).toHaveLength(4);
    const infos = await s.client.lookup(started);
    for (const d of started) expect(infos[d]).toMatchObject({ jobState: JobState.SUCCEEDED });
    expect(await countJobs(s, queue, JobState.PENDING)).toBe(4);
    expect(await countJobs(s, queue, JobState.IN_PROGRESS)).toBe(0);
    expect(s.stats().metrics.get('PinLaterService.ackDequeuedJobs')?.count).toBe(1);
    expect(worker.status).toBe('closed');
  });

  it('close() hands the jobs still running at its deadline back to PENDING, no attempt consumed, and resolves in time', async () => {
    const s = sys();
    const queue = freshQueue('wsdk_deadline');
    await s.createQueue(queue);
    const descriptors = await s.client.enqueue(queue, [{ body: 'stuck-1', attemptsAllowed: 2 }, { body: 'stuck-2', attemptsAllowed: 2 }]);
    const aborted: string[] = [];
    const worker = startWorker(s, queue, {
      concurrency: 2,
      handler: async (job: Job) => {
        await new Promise<void>((resolve) => job.signal.addEventListener('abort', () => resolve(), { once: true }));
        aborted.push(job.descriptor);
      },
    });
    await worker.start();
    await eventually(() => expect(worker.inFlight).toBe(2), { timeoutMs: 10_000 });
    const before = Date.now();
    const summary = await worker.close({ deadlineMs: 1500 });
    expect(Date.now() - before).toBeLessThan(2500);
    expect([...summary.released].sort()).toEqual([...descriptors].sort());
    expect(summary).toMatchObject({ finished: 0, notReleased: [], unacked: [] });
    await eventually(() => expect([...aborted].sort()).toEqual([...descriptors].sort()));
    const infos = await s.client.lookup(descriptors);
    for (const d of descriptors) expect(infos[d]).toMatchObject({ jobState: JobState.PENDING, attemptsRemaining: 2 });
    expect(worker.counters.snapshot()).toMatchObject({ released: 2, succeeded: 0 });
    // Handed back, they run again at once on another worker.
    const done: string[] = [];
    const next = startWorker(s, queue, { concurrency: 2, handler: (job: Job) => void done.push(job.descriptor) });
    await next.start();
    await eventually(async () => expect(await countJobs(s, queue, JobState.SUCCEEDED)).toBe(2), { timeoutMs: 10_000, intervalMs: 100 });
    expect([...done].sort()).toEqual([...descriptors].sort());
  });

  it('waits out rate-limited dequeues without losing the acks they would have carried', async () => {
    const s = sys();
    const queue = freshQueue('wsdk_limited');
    await s.createQueue(queue);
    await s.client.enqueue(queue, Array.from({ length: 8 }, (_, i) => ({ body: `job-${i}` })));
    const release = gate();
    const worker = startWorker(s, queue, {
      concurrency: 4,
      handler: async () => {
        await release.wait;
      },
    });
    await worker.start();
    await eventually(() => expect(worker.inFlight).toBe(4), { timeoutMs: 10_000 });
    s.refuseDequeues(true);
    release.open();
    // The four acks ride on dequeues the gateway refuses (PinLater then runs none of them): kept for later.
    await eventually(() => expect(worker.counters.snapshot().rateLimited).toBeGreaterThanOrEqual(3), { timeoutMs: 10_000, intervalMs: 10 });
    expect(worker.pendingAcks).toBe(4);
    expect(await countJobs(s, queue, JobState.IN_PROGRESS)).toBe(4);
    s.refuseDequeues(false);
    await eventually(async () => expect(await countJobs(s, queue, JobState.SUCCEEDED)).toBe(8), { timeoutMs: 10_000, intervalMs: 50 });
    expect(await worker.close()).toMatchObject({ unacked: [] });
    expect(worker.counters.snapshot()).toMatchObject({ succeeded: 8, acksDropped: 0 });
  });

  it('survives a gateway restart mid-run: it reconnects, and every job ends SUCCEEDED, run once', async () => {
    const s = sys();
    const queue = freshQueue('wsdk_restart');
    await s.createQueue(queue);
    const bodies = Array.from({ length: 60 }, (_, i) => `job-${i}`);
    await s.client.enqueue(queue, bodies.map((body) => ({ body, attemptsAllowed: 3 })));
    const runs = new Map<string, number>();
    let processed = 0;
    let hold: ReturnType<typeof gate> | undefined;
    const worker = startWorker(s, queue, {
      concurrency: 4,
      handler: async (job: Job) => {
        runs.set(job.body.toString(), (runs.get(job.body.toString()) ?? 0) + 1);
        processed += 1;
        await hold?.wait;
      },
    });
    await worker.start();
    await eventually(() => expect(processed).toBeGreaterThanOrEqual(12), { timeoutMs: 10_000, intervalMs: 10 });
    // Jobs in flight when the gateway goes: they finish while it is down, and their acks must wait.
    hold = gate();
    await eventually(() => expect(worker.inFlight).toBe(4), { timeoutMs: 10_000, intervalMs: 10 });
    await s.stopGateway();
    hold.open();
    await eventually(() => {
      expect(worker.inFlight).toBe(0);
      expect(worker.counters.snapshot().callErrors).toBeGreaterThanOrEqual(2);
    }, { timeoutMs: 10_000, intervalMs: 10 });
    expect(worker.pendingAcks).toBe(4);
    await s.startGatewayAgain();
    await eventually(async () => expect(await countJobs(s, queue, JobState.SUCCEEDED)).toBe(60), { timeoutMs: 30_000, intervalMs: 100 });
    const summary = await worker.close();
    expect(summary).toMatchObject({ unacked: [], released: [], notReleased: [] });
    expect([...runs.keys()].sort()).toEqual([...bodies].sort());
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(worker.counters.snapshot()).toMatchObject({ succeeded: 60, reconnects: 1 });
  });
});
