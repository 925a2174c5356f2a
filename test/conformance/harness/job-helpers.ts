/**
 * Small helpers shared by the conformance tests: job batches, draining dequeues, and time values
 * that survive every backend's timestamp resolution.
 */
import type { BackendTraits } from './backend-profile';
import type { ConformanceClient, JobSpec, WireDequeueResponse } from './conformance-client';

/** `n` jobs with bodies `<prefix>0 … <prefix>(n-1)` and the given fields. */
export function jobs(n: number, prefix: string, fields: Omit<JobSpec, 'body'> = {}): JobSpec[] {
  return Array.from({ length: n }, (_, i) => ({ ...fields, body: `${prefix}${i}` }));
}

/** Enqueues `n` jobs and returns their descriptors. */
export function enqueueN(client: ConformanceClient, queue: string, n: number, prefix = 'job', fields: Omit<JobSpec, 'body'> = {}): Promise<string[]> {
  return client.enqueue(queue, jobs(n, prefix, fields));
}

/** One real dequeue that must return exactly the given descriptors' count; returns the response. */
export async function claim(client: ConformanceClient, queue: string, limit: number, source?: string): Promise<WireDequeueResponse> {
  return client.dequeue({ queue, limit, ...(source === undefined ? {} : { source }) });
}

/** Enqueues `n` jobs and claims all of them (the queue must have no other due job); returns the descriptors. */
export async function enqueueAndClaim(
  client: ConformanceClient,
  queue: string,
  n: number,
  fields: Omit<JobSpec, 'body'> = {},
  source?: string,
): Promise<string[]> {
  const descriptors = await enqueueN(client, queue, n, 'claimed', fields);
  const got = await claim(client, queue, n, source);
  expect(Object.keys(got.jobs ?? {}).sort()).toEqual([...descriptors].sort());
  return descriptors;
}

/** Dequeues until a call returns nothing (bounded); returns every descriptor handed out. */
export async function drain(client: ConformanceClient, queue: string, batch = 100, maxCalls = 50): Promise<string[]> {
  const all: string[] = [];
  for (let i = 0; i < maxCalls; i++) {
    const response = await client.dequeue({ queue, limit: batch });
    const got = Object.keys(response.jobs ?? {});
    if (got.length === 0) return all;
    all.push(...got);
  }
  throw new Error(`drain: queue ${queue} still had jobs after ${maxCalls} dequeues`);
}

/**
 * An epoch-millisecond instant `offsetMs` from the next whole second, plus 500 ms: exact as a
 * double number of seconds (Redis scores) and a known truncation for MySQL (whole seconds).
 */
export function halfSecondInstant(offsetMs: number): number {
  return Math.ceil(Date.now() / 1000) * 1000 + offsetMs + 500;
}

/** What a backend reports for an instant it stored: truncated to its resolution (FACTS §11.11). */
export function reported(ms: number, traits: BackendTraits): number {
  return Math.floor(ms / traits.timestampResolutionMs) * traits.timestampResolutionMs;
}

/**
 * Asserts a server-generated timestamp lies within [before, after] allowing for the backend's
 * truncation, and is a multiple of its resolution.
 */
export function expectServerTime(actual: number | null, before: number, after: number, traits: BackendTraits): void {
  expect(actual).not.toBeNull();
  const value = actual as number;
  expect(value).toBeGreaterThanOrEqual(reported(before, traits) - 5);
  expect(value).toBeLessThanOrEqual(after + 5);
  expect(value % traits.timestampResolutionMs).toBe(0);
}
