/**
 * The client loops of a gateway throughput benchmark, in slices: a benchmark that compares two
 * gateways alternates short slices between them (B A A B …), so that drift in a shared machine's
 * load hits both alike, and adds each side's slices up in a `Tally`. Benchmarks only.
 */
import { LatencyRecorder } from './latency';
import type { LeanPinLaterClient } from './lean-pinlater-client';

const BATCH = 100;
const BODY = Buffer.alloc(64, 'x');
const PENDING = 0;

/** What one side did over all its timed slices: counts, busy time, per-operation latencies. */
export class Tally {
  readonly enqueue = new LatencyRecorder();
  readonly dequeue = new LatencyRecorder();
  readonly ack = new LatencyRecorder();
  readonly lookup = new LatencyRecorder();
  readonly count = new LatencyRecorder();
  jobs = 0;
  writeSeconds = 0;
  calls = 0;
  readSeconds = 0;
  /**
   * CPU seconds the gateway process used during the timed phases (the caller measures): unlike a
   * rate, CPU per job hardly depends on how much CPU other processes leave over.
   */
  writeCpuSeconds = 0;
  readCpuSeconds = 0;
  /** Each slice's own rate, in order: lets a benchmark compare the two sides slice by slice. */
  readonly writeRates: number[] = [];
  readonly readRates: number[] = [];

  get jobsPerSecond(): number {
    return this.jobs / this.writeSeconds;
  }

  get callsPerSecond(): number {
    return this.calls / this.readSeconds;
  }

  /** Gateway CPU per dequeued job of the write phase, µs. */
  get cpuMicrosPerJob(): number {
    return (1e6 * this.writeCpuSeconds) / this.jobs;
  }

  /** Gateway CPU per call of the read phase, µs. */
  get cpuMicrosPerCall(): number {
    return (1e6 * this.readCpuSeconds) / this.calls;
  }
}

function bodies(): Buffer[] {
  return Array.from({ length: BATCH }, () => BODY);
}

function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/**
 * Write slice, every loop: `rounds` × (enqueue(100) → dequeue(100) → ack of what came back), the
 * workload of bench/legacy-redis-gateway.ts; counts the dequeued jobs.
 */
export async function writeSlice(clients: LeanPinLaterClient[], queue: string, rounds: number, tally: Tally): Promise<void> {
  let dequeued = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    clients.map(async (client) => {
      for (let r = 0; r < rounds; r++) {
        await tally.enqueue.time(() => client.enqueue(queue, bodies()));
        const got = await tally.dequeue.time(() => client.dequeue(queue, BATCH));
        await tally.ack.time(() => client.ack(queue, got));
        dequeued += got.length;
      }
    }),
  );
  const seconds = secondsSince(start);
  tally.writeSeconds += seconds;
  tally.jobs += dequeued;
  tally.writeRates.push(dequeued / seconds);
  if (rounds > 0 && dequeued === 0) throw new Error('write slice dequeued nothing');
}

/**
 * Read slice, every loop: enqueue 100 jobs (untimed), then `rounds` × (lookupJobs of those 100 →
 * getJobCount of PENDING); counts the calls. Nothing dequeues meanwhile, so every lookup must find
 * all 100: both sides are checked to do the same work.
 */
export async function readSlice(clients: LeanPinLaterClient[], queue: string, rounds: number, tally: Tally): Promise<void> {
  const descriptors = await Promise.all(clients.map((c) => c.enqueue(queue, bodies())));
  let calls = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    clients.map(async (client, i) => {
      const mine = descriptors[i] as string[];
      for (let r = 0; r < rounds; r++) {
        const found = await tally.lookup.time(() => client.lookupJobs(mine));
        if (found.length !== mine.length) throw new Error(`lookupJobs found ${found.length} of ${mine.length} jobs`);
        await tally.count.time(() => client.getJobCount(queue, PENDING));
        calls += 2;
      }
    }),
  );
  const seconds = secondsSince(start);
  tally.readSeconds += seconds;
  tally.calls += calls;
  tally.readRates.push(calls / seconds);
}

/** One side of a paired comparison: its client loops and the CPU seconds its gateway has used so far. */
export interface SliceTarget {
  readonly clients: LeanPinLaterClient[];
  cpuSeconds(): number;
}

/** One timed slice on `side`: the write slice, then the read slice, each with the gateway CPU it cost. */
export async function timedSlice(side: SliceTarget, queue: string, rounds: { write: number; read: number }, tally: Tally): Promise<void> {
  const cpu0 = side.cpuSeconds();
  await writeSlice(side.clients, queue, rounds.write, tally);
  const cpu1 = side.cpuSeconds();
  await readSlice(side.clients, queue, rounds.read, tally);
  tally.writeCpuSeconds += cpu1 - cpu0;
  tally.readCpuSeconds += side.cpuSeconds() - cpu1;
}

/** B A A B B A … (`slices` of each side) for odd repetitions, A B B A … for even ones. */
export function alternatingOrder<S>(a: S, b: S, slices: number, repetition: number): S[] {
  const [first, second] = repetition % 2 === 1 ? [a, b] : [b, a];
  return Array.from({ length: slices }, (_v, i) => (i % 2 === 0 ? [first, second] : [second, first])).flat();
}

function latency(name: string, r: LatencyRecorder): string {
  return `${name} ${r.percentile(50).toFixed(1)}/${r.percentile(99).toFixed(1)}`;
}

/** The two detail lines a benchmark prints under a side's rates: p50/p99 per operation, gateway CPU. */
export function tallyDetailLines(t: Tally): string[] {
  const ops = [latency('enqueue', t.enqueue), latency('dequeue', t.dequeue), latency('ack', t.ack), latency('lookupJobs', t.lookup), latency('getJobCount', t.count)];
  return [
    `        p50/p99 ms: ${ops.join('  ')}`,
    `        gateway CPU: ${t.cpuMicrosPerJob.toFixed(1)} µs/job (write), ${t.cpuMicrosPerCall.toFixed(1)} µs/call (read)`,
  ];
}
