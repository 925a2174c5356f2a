/**
 * Continuous client load for the ZooKeeper restart tests: `clients` loops that each enqueue a few
 * jobs, dequeue a few and ack what they got, forever, through one gateway-side Pacer backend.
 * Consumers are deliberately slow (small limit, a pause per round) so that a backlog enqueued
 * before a fault outlasts the fault and the recovery: then EVERY empty dequeue answer inside that
 * window is an empty answer while jobs were ready, which the tests count as a failure.
 *
 * Records, per job, how often it was handed out (none twice: brokers run with a claim timeout far
 * above the test's duration), when each partition last served a job (to time the recovery), and
 * every empty answer and error with its time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { PacerBackend } from '../../../pacer';
import { parsePacerDescriptor } from '../../../pacer/src/descriptors/pacer-descriptor';
import { job } from '../pacer-fixtures';

export interface LoadOptions {
  readonly queue: string;
  readonly clients: number;
  /** Jobs each client enqueues per round. */
  readonly enqueuePerRound: number;
  /** Dequeue limit per call. */
  readonly dequeueLimit: number;
  /** Pause after each round, ms. */
  readonly pauseMs: number;
}

export interface LoadEvent {
  readonly atMs: number;
  readonly what: string;
}

export class RestartLoad {
  /** descriptor → times handed out. */
  readonly handed = new Map<string, number>();
  /** partition → time (Date.now()) of the last job it served. */
  readonly lastServedAt = new Map<number, number>();
  readonly empties: number[] = [];
  readonly dequeueErrors: LoadEvent[] = [];
  readonly enqueueErrors: LoadEvent[] = [];
  enqueued = 0;
  acked = 0;
  private stopped = false;
  private loops: Array<Promise<void>> = [];

  constructor(private readonly backend: PacerBackend, private readonly options: LoadOptions) {}

  start(): void {
    this.loops = Array.from({ length: this.options.clients }, (_, i) => this.loop(i));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  duplicates(): string[] {
    return [...this.handed].filter(([, n]) => n > 1).map(([d]) => d);
  }

  emptiesBetween(fromMs: number, toMs: number): number {
    return this.empties.filter((t) => t >= fromMs && t <= toMs).length;
  }

  /** Partitions that served a job at or after `sinceMs`. */
  partitionsServedSince(sinceMs: number): number[] {
    return [...this.lastServedAt].filter(([, t]) => t >= sinceMs).map(([p]) => p).sort((a, b) => a - b);
  }

  /** Dequeues once and acks what came back (acks retried until they land); resolves with the count. */
  async dequeueAndAck(worker: string, limit = this.options.dequeueLimit): Promise<number> {
    const { queue } = this.options;
    let jobs;
    try {
      ({ jobs } = await this.backend.dequeueJobs({ queue, limit, dryRun: false, coverage: 1, claimDescriptor: `zkr:${worker}` }));
    } catch (e) {
      this.dequeueErrors.push({ atMs: Date.now(), what: describe(e) });
      return -1;
    }
    const now = Date.now();
    if (jobs.length === 0) this.empties.push(now);
    for (const j of jobs) {
      this.handed.set(j.descriptor, (this.handed.get(j.descriptor) ?? 0) + 1);
      const ref = parsePacerDescriptor(j.descriptor);
      if (ref) this.lastServedAt.set(ref.partition, now);
    }
    if (jobs.length > 0) await this.ack(jobs.map((j) => j.descriptor));
    return jobs.length;
  }

  private async ack(descriptors: string[]): Promise<void> {
    const succeeded = descriptors.map((descriptor) => ({ descriptor, appendCustomStatus: '', retryDelayMs: 0 }));
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.backend.ackDequeuedJobs({ queue: this.options.queue, succeeded, failed: [] });
        this.acked += descriptors.length;
        return;
      } catch (e) {
        if (attempt >= 50) throw e;
        await sleep(100);
      }
    }
  }

  private async loop(i: number): Promise<void> {
    const { queue, enqueuePerRound, pauseMs } = this.options;
    for (let round = 0; !this.stopped; round += 1) {
      try {
        const ds = await this.backend.enqueueJobs({ queue, jobs: Array.from({ length: enqueuePerRound }, (_, k) => job(`c${i}r${round}k${k}`, { attemptsAllowed: 3 })) });
        this.enqueued += ds.length;
      } catch (e) {
        this.enqueueErrors.push({ atMs: Date.now(), what: describe(e) });
      }
      await this.dequeueAndAck(`w${i}`);
      await sleep(pauseMs);
    }
  }
}

function describe(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  const message = (e as { message?: unknown }).message;
  return `${String(code ?? '')} ${String(message ?? e)}`.trim();
}
