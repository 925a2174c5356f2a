/**
 * An open-loop (fixed offered load) client for a gateway benchmark: rounds start on a fixed
 * schedule, whether or not earlier rounds finished, each on a free connection of a pool (a round
 * that finds none waits: its wait is the schedule lag, reported so an overloaded run shows). A
 * round is enqueue(100) → dequeue(100) → ack → lookupJobs(the 100 enqueued) → getJobCount, each
 * call timed. Unlike a closed loop at saturation, latency here is what a client sees at a load the
 * gateway can carry. Benchmarks only.
 */
import { LatencyRecorder } from './latency';
import type { LeanPinLaterClient } from './lean-pinlater-client';

const BATCH = 100;
const BODY = Buffer.alloc(64, 'x');
const PENDING = 0;

/** What the open loop saw over its slices. */
export class OpenLoopTally {
  readonly enqueue = new LatencyRecorder();
  readonly dequeue = new LatencyRecorder();
  readonly ack = new LatencyRecorder();
  readonly lookup = new LatencyRecorder();
  readonly count = new LatencyRecorder();
  /** How late rounds started against their schedule (no free connection), ms. */
  readonly lag = new LatencyRecorder();
  jobsEnqueued = 0;
  jobsDequeued = 0;
  reads = 0;
  seconds = 0;
  /** CPU seconds the gateway used during the slices (the caller measures). */
  cpuSeconds = 0;
  /** Each slice's dequeued jobs per second, in order. */
  readonly rates: number[] = [];
}

/** Gateway-saturated seconds one round costs, from the closed loop's rates (jobs/s, read calls/s). */
export function roundCapacity(writeJobsPerSecond: number, readCallsPerSecond: number): number {
  return 1 / (BATCH / writeJobsPerSecond + 2 / readCallsPerSecond);
}

async function round(client: LeanPinLaterClient, queue: string, t: OpenLoopTally): Promise<void> {
  const bodies = Array.from({ length: BATCH }, () => BODY);
  const descriptors = await t.enqueue.time(() => client.enqueue(queue, bodies));
  const got = await t.dequeue.time(() => client.dequeue(queue, BATCH));
  await t.ack.time(() => client.ack(queue, got));
  await t.lookup.time(() => client.lookupJobs(descriptors));
  await t.count.time(() => client.getJobCount(queue, PENDING));
  t.jobsEnqueued += descriptors.length;
  t.jobsDequeued += got.length;
  t.reads += 2;
}

/** `roundsPerSecond` rounds for `seconds` on the pool `clients`; waits for the last round. */
export async function openLoopSlice(clients: readonly LeanPinLaterClient[], queue: string, roundsPerSecond: number, seconds: number, t: OpenLoopTally): Promise<void> {
  const free = [...clients];
  const waiters: Array<(c: LeanPinLaterClient) => void> = [];
  const acquire = (): Promise<LeanPinLaterClient> => {
    const c = free.pop();
    return c !== undefined ? Promise.resolve(c) : new Promise((resolve) => waiters.push(resolve));
  };
  const release = (c: LeanPinLaterClient): void => {
    const next = waiters.shift();
    if (next !== undefined) next(c);
    else free.push(c);
  };
  const total = Math.max(1, Math.round(roundsPerSecond * seconds));
  const intervalMs = 1000 / roundsPerSecond;
  const dequeued0 = t.jobsDequeued;
  const start = performance.now();
  const rounds: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    rounds.push((async () => {
      const client = await acquire();
      t.lag.add(Math.max(0, performance.now() - due));
      try {
        await round(client, queue, t);
      } finally {
        release(client);
      }
    })());
  }
  await Promise.all(rounds);
  const elapsed = (performance.now() - start) / 1000;
  t.seconds += elapsed;
  t.rates.push((t.jobsDequeued - dequeued0) / elapsed);
}
