/**
 * What the clients of migration-end-to-end.test.ts saw (migration-e2e-traffic.ts writes it): every
 * job enqueued (by key, confirmed or not), every attempt a worker got, every ack that took
 * effect, every descriptor ever issued, and every client call that failed. The test's verdicts are
 * computed here from that record alone (`problems`), so they do not depend on the systems.
 */
import { expectedAttempts, type JobKind, type PlannedJob } from './migration-e2e-jobs';

export interface EnqueuedJob {
  readonly key: string;
  readonly id: string;
  readonly queue: string;
  readonly kind: JobKind;
  readonly attemptsAllowed: number;
  /** The enqueue call returned (false: the call failed; the job may or may not exist). */
  confirmed: boolean;
}

export interface Attempt {
  readonly attemptsRemaining: number;
  readonly gateway: number;
  readonly descriptor: string;
  readonly atMs: number;
  /** The ack of this attempt took effect ('succeeded' / 'failed'); undefined while not known to. */
  acked?: 'succeeded' | 'failed';
}

export interface CallFailure {
  readonly what: string;
  readonly gateway: number;
  readonly lane: string;
  readonly atMs: number;
  readonly message: string;
}

export class TrafficRecord {
  readonly enqueued = new Map<string, EnqueuedJob>();
  /** key → its attempts, in the order the workers got them. */
  readonly attempts = new Map<string, Attempt[]>();
  /** Every descriptor issued (enqueue replies and dequeues) → the job key. */
  readonly descriptors = new Map<string, string>();
  /**
   * Attempts a worker got from a dequeue, as `<descriptor>#<attemptsRemaining>`: a job retried
   * after a failure ack keeps its descriptor, so a later claim of it whose reply was lost is
   * another attempt, not one already received.
   */
  readonly received = new Set<string>();
  readonly failures: CallFailure[] = [];
  /** Acks sent again after a failed call, because a lookup showed they had not taken effect. */
  acksResent = 0;
  /** Jobs claimed by a dequeue whose reply was lost, put back to PENDING by their worker's recovery. */
  orphansRecovered = 0;
  /** Queues on which the test ran retryFailedJobs (their `fail` jobs get one more attempt). */
  readonly failedRetried = new Set<string>();

  recordEnqueue(job: PlannedJob, descriptor: string | undefined): void {
    const known = this.enqueued.get(job.key);
    if (known === undefined) {
      this.enqueued.set(job.key, { key: job.key, id: job.id, queue: job.queue, kind: job.kind, attemptsAllowed: job.attemptsAllowed, confirmed: descriptor !== undefined });
    } else if (descriptor !== undefined) {
      known.confirmed = true;
    }
    if (descriptor !== undefined) this.descriptors.set(descriptor, job.key);
  }

  recordAttempt(key: string, attempt: Attempt): void {
    const list = this.attempts.get(key) ?? [];
    list.push(attempt);
    this.attempts.set(key, list);
    this.descriptors.set(attempt.descriptor, key);
    this.received.add(attemptKey(attempt.descriptor, attempt.attemptsRemaining));
  }

  recordFailure(failure: CallFailure): void {
    this.failures.push(failure);
  }

  /** Confirmed jobs: their distinct ids. */
  enqueuedIds(): Set<string> {
    return new Set([...this.enqueued.values()].filter((j) => j.confirmed).map((j) => j.id));
  }

  /** Jobs (confirmed, or unconfirmed that a worker got) whose expected attempts are not all done and acked. */
  outstanding(): string[] {
    const out: string[] = [];
    for (const job of this.enqueued.values()) {
      const got = this.attempts.get(job.key) ?? [];
      if (!job.confirmed && got.length === 0) continue;
      const want = expectedAttempts(job.kind, job.attemptsAllowed, this.failedRetried.has(job.queue));
      if (got.length < want.length || got.some((a) => a.acked === undefined)) out.push(job.key);
    }
    return out;
  }

  /**
   * Everything the record shows wrong: a (key, attemptsRemaining) pair dequeued twice (a job
   * executed twice), a job whose attempts are not exactly the ones its kind calls for (lost, or
   * executed more often), an id enqueued and never executed, a job no producer enqueued.
   */
  problems(): string[] {
    const problems: string[] = [];
    for (const [key, got] of this.attempts) {
      const pairs = got.map((a) => a.attemptsRemaining);
      const twice = pairs.filter((p, i) => pairs.indexOf(p) !== i);
      if (twice.length > 0) problems.push(`${key}: attempt(s) with attemptsRemaining ${twice.join(', ')} dequeued twice: ${describe(got)}`);
      if (!this.enqueued.has(key)) problems.push(`${key}: dequeued but never enqueued: ${describe(got)}`);
    }
    for (const job of this.enqueued.values()) {
      const got = this.attempts.get(job.key) ?? [];
      if (!job.confirmed && got.length === 0) continue; // an enqueue without reply that did not land
      const want = expectedAttempts(job.kind, job.attemptsAllowed, this.failedRetried.has(job.queue));
      const pairs = got.map((a) => a.attemptsRemaining);
      if (JSON.stringify(pairs) !== JSON.stringify(want)) problems.push(`${job.key} (${job.kind}, ${job.queue}, allowed ${job.attemptsAllowed}): attempts ${JSON.stringify(pairs)}, expected ${JSON.stringify(want)}: ${describe(got)}`);
    }
    const executedIds = new Set([...this.attempts.keys()].map((k) => k.split('#')[0]));
    for (const id of this.enqueuedIds()) if (!executedIds.has(id)) problems.push(`${id}: enqueued, never executed`);
    return problems;
  }

  /** One job as the clients saw it (for a failure report): its enqueue, every attempt, every descriptor issued for it. */
  describeJob(key: string): { summary: string; descriptors: string[] } {
    const job = this.enqueued.get(key);
    const descriptors = [...this.descriptors].filter(([, k]) => k === key).map(([d]) => d);
    const enqueue = job === undefined ? 'never enqueued' : `${job.kind}, allowed ${job.attemptsAllowed}, ${job.confirmed ? 'confirmed' : 'unconfirmed'}`;
    return { summary: `${key} (${enqueue}): ${describe(this.attempts.get(key) ?? []) || 'no attempts'}`, descriptors };
  }

  /** Keys of jobs whose id was enqueued in more than one try that landed (a producer retry after a lost reply). */
  idsExecutedInSeveralTries(): string[] {
    const tries = new Map<string, number>();
    for (const key of this.attempts.keys()) {
      const id = key.split('#')[0] as string;
      tries.set(id, (tries.get(id) ?? 0) + 1);
    }
    return [...tries].filter(([, n]) => n > 1).map(([id]) => id);
  }
}

function describe(attempts: readonly Attempt[]): string {
  return attempts.map((a) => `[remaining ${a.attemptsRemaining} via gw${a.gateway} ${a.descriptor} at ${a.atMs} ack ${a.acked ?? '?'}]`).join(' ');
}

/** The key of one attempt of a job in `TrafficRecord.received`. */
export function attemptKey(descriptor: string, attemptsRemaining: number): string {
  return `${descriptor}#${attemptsRemaining}`;
}
