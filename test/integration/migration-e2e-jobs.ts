/**
 * The jobs of migration-end-to-end.test.ts: what a producer enqueues and what a worker does with
 * each job, decided by the job's kind written in its body, so every worker (through either
 * gateway, on either side of a migration) treats a job the same way:
 *
 * - `ok`: acked succeeded on its first attempt;
 * - `checkpoint`: checkpointed (new body, same id) by the worker holding it, then acked succeeded;
 * - `retry`: 2–3 attempts allowed; the first attempt is acked failed with a retry delay of 1–3 s,
 *   the second succeeds;
 * - `fail`: one attempt allowed, acked failed: it ends FAILED; once `retryFailedJobs` gives it
 *   RETRIED_ATTEMPTS attempts again, that attempt succeeds.
 *
 * A job's identity is its key `<id>#<try>`: a producer whose enqueue got no reply enqueues the same
 * ids again with the next try number (the first try may have landed: an at-least-once producer),
 * so two stored jobs never share a key. The attempt a worker got is told by attemptsRemaining
 * (PinLater decrements it on each failure ack): a (key, attemptsRemaining) pair dequeued twice is
 * a job executed twice.
 */
import type { JobSpec } from '../conformance/harness/conformance-client';

export type JobKind = 'ok' | 'checkpoint' | 'retry' | 'fail';

/** attemptsToAllow of the test's `retryFailedJobs`: more than any job is enqueued with, so the retried attempt is a new pair. */
export const RETRIED_ATTEMPTS = 4;
export const PRIORITIES = 3;

const PREFIX = 'e2e';
const CHECKPOINTED = '|checkpointed';

export interface JobPlan {
  readonly id: string;
  readonly queue: string;
  readonly kind: JobKind;
  readonly priority: number;
  readonly attemptsAllowed: number;
  readonly runAfterMs: number | undefined;
}

export interface PlannedJob extends JobPlan {
  readonly key: string;
  readonly spec: JobSpec;
}

export interface ParsedBody {
  readonly key: string;
  readonly id: string;
  readonly kind: JobKind;
  readonly checkpointed: boolean;
}

export function jobKey(id: string, attempt: number): string {
  return `${id}#${attempt}`;
}

/** A new job of `queue` with the unique `id`: its kind, priority, attempts and run-after (15 %: 2–10 s ahead) drawn from `rng`. */
export function planJob(rng: () => number, queue: string, id: string, nowMs: number): JobPlan {
  const r = rng();
  const kind: JobKind = r < 0.03 ? 'fail' : r < 0.13 ? 'retry' : r < 0.2 ? 'checkpoint' : 'ok';
  const attemptsAllowed = kind === 'fail' ? 1 : kind === 'retry' ? 2 + Math.floor(rng() * 2) : 1 + Math.floor(rng() * 3);
  const priority = 1 + Math.floor(rng() * PRIORITIES);
  const runAfterMs = rng() < 0.15 ? nowMs + 2000 + Math.floor(rng() * 8000) : undefined;
  return { id, queue, kind, priority, attemptsAllowed, runAfterMs };
}

/** The job as enqueued in try `attempt` (0 first, then one more per enqueue that got no reply). */
export function jobOfTry(plan: JobPlan, attempt: number): PlannedJob {
  const body = `${PREFIX}|${plan.id}|${attempt}|${plan.kind}`;
  const spec: JobSpec = { body, priority: plan.priority, attemptsAllowed: plan.attemptsAllowed, ...(plan.runAfterMs === undefined ? {} : { runAfterMs: plan.runAfterMs }) };
  return { ...plan, key: jobKey(plan.id, attempt), spec };
}

export function parseBody(body: Buffer | string | null): ParsedBody | undefined {
  if (body === null) return undefined;
  const text = body.toString();
  const [prefix, id, attempt, kind] = text.split('|');
  if (prefix !== PREFIX || id === undefined || attempt === undefined || !isKind(kind)) return undefined;
  return { key: jobKey(id, Number(attempt)), id, kind, checkpointed: text.endsWith(CHECKPOINTED) };
}

/** The body a `checkpoint` job is given by its worker (same id, marked). */
export function checkpointedBody(body: Buffer): string {
  return `${body.toString()}${CHECKPOINTED}`;
}

function isKind(kind: string | undefined): kind is JobKind {
  return kind === 'ok' || kind === 'checkpoint' || kind === 'retry' || kind === 'fail';
}

export type WorkerAck = { readonly outcome: 'succeeded' } | { readonly outcome: 'failed'; readonly retryDelayMs: number };

/** What a worker does with an attempt of a job of `kind`. */
export function decide(kind: JobKind, attemptsAllowed: number, attemptsRemaining: number, rng: () => number): WorkerAck {
  if (kind === 'retry' && attemptsRemaining === attemptsAllowed) return { outcome: 'failed', retryDelayMs: 1000 + Math.floor(rng() * 2000) };
  if (kind === 'fail' && attemptsRemaining !== RETRIED_ATTEMPTS) return { outcome: 'failed', retryDelayMs: 0 };
  return { outcome: 'succeeded' };
}

/**
 * The attemptsRemaining of every attempt a job must get, in order: one per dequeue. `failedRetried`:
 * the test ran `retryFailedJobs` on the job's queue (a `fail` job then gets one more attempt).
 */
export function expectedAttempts(kind: JobKind, attemptsAllowed: number, failedRetried: boolean): number[] {
  switch (kind) {
    case 'retry':
      return [attemptsAllowed, attemptsAllowed - 1];
    case 'fail':
      return failedRetried ? [1, RETRIED_ATTEMPTS] : [1];
    default:
      return [attemptsAllowed];
  }
}
