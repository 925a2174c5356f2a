import { fakeTime as sharedFakeTime } from '../../../test/support/fake-time';
import { retryDelayMs, withBackoff, type BackoffOptions, type RetryRule } from './retry-backoff';

const RULE: RetryRule = { attempts: 4, minDelayMs: 10, maxDelayMs: 50 };
const transient = new Error('transient');
const fatal = new Error('fatal');
const ruleFor = (e: unknown): RetryRule | undefined => (e === transient ? RULE : undefined);

/** Fake time from test/support, with the jitter source this loop takes (0.5 unless a test says). */
function fakeTime(random: () => number = () => 0.5): Required<Pick<BackoffOptions, 'clock' | 'sleep' | 'random'>> & { waits: number[]; advance(ms: number): void } {
  return { ...sharedFakeTime({ startMs: 1_000 }), random };
}

/** An operation that fails with `errors` in turn, then resolves with the number of calls. */
function failing(...errors: Error[]): { op: () => Promise<number>; calls: () => number } {
  let calls = 0;
  return {
    op: () => {
      const e = errors[calls++];
      return e ? Promise.reject(e) : Promise.resolve(calls);
    },
    calls: () => calls,
  };
}

describe('retry with jittered backoff (the one retry loop)', () => {
  it('retries what the table lists, with a wait before each retry', async () => {
    const time = fakeTime();
    const { op, calls } = failing(transient, transient);
    await expect(withBackoff(op, ruleFor, time)).resolves.toBe(3);
    expect(calls()).toBe(3);
    expect(time.waits).toHaveLength(2);
  });

  it('fails at once on anything the table does not list', async () => {
    const time = fakeTime();
    const { op, calls } = failing(fatal);
    await expect(withBackoff(op, ruleFor, time)).rejects.toBe(fatal);
    expect(calls()).toBe(1);
    expect(time.waits).toEqual([]);
  });

  it('gives up after the rule\'s attempts, rethrowing the last error', async () => {
    const time = fakeTime();
    const retried: number[] = [];
    const { op, calls } = failing(transient, transient, transient, transient, transient);
    await expect(withBackoff(op, ruleFor, { ...time, onRetry: (_e, retry) => retried.push(retry) })).rejects.toBe(transient);
    expect(calls()).toBe(RULE.attempts);
    expect(retried).toEqual([1, 2, 3]);
  });

  it('gives up when the next wait would pass the elapsed-time bound', async () => {
    const time = fakeTime(() => 0);
    let calls = 0;
    const op = (): Promise<never> => {
      calls += 1;
      time.advance(30);
      return Promise.reject(transient);
    };
    // attempt 1 ends at 30 ms, waits 10 (40); attempt 2 ends at 70: 70 + 10 > 75, no third attempt
    await expect(withBackoff(op, ruleFor, { ...time, maxElapsedMs: 75 })).rejects.toBe(transient);
    expect(calls).toBe(2);
    expect(time.waits).toEqual([10]);
  });

  it('jitters each wait between the floor and a ceiling that doubles up to the maximum', () => {
    const low = (retry: number): number => retryDelayMs(RULE, retry, () => 0);
    const high = (retry: number): number => retryDelayMs(RULE, retry, () => 0.999_999);
    expect([0, 1, 2, 3].map(low)).toEqual([10, 10, 10, 10]);
    expect([0, 1, 2, 3].map(high)).toEqual([19, 39, 49, 49]);
    for (let i = 0; i < 1000; i += 1) {
      const d = retryDelayMs(RULE, i % 5);
      expect(d).toBeGreaterThanOrEqual(RULE.minDelayMs);
      expect(d).toBeLessThan(RULE.maxDelayMs);
    }
    const spread = new Set(Array.from({ length: 200 }, () => retryDelayMs(RULE, 0)));
    expect(spread.size).toBeGreaterThan(1);
  });

  it('waits for real (node:timers/promises) when no sleep is injected, and not at all for a zero delay', async () => {
    const zero: RetryRule = { attempts: 2, minDelayMs: 0, maxDelayMs: 0 };
    const { op, calls } = failing(transient);
    await expect(withBackoff(op, () => zero)).resolves.toBe(2);
    expect(calls()).toBe(2);
    const started = Date.now();
    const second = failing(transient);
    await expect(withBackoff(second.op, () => ({ attempts: 2, minDelayMs: 20, maxDelayMs: 21 }))).resolves.toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(19);
  });
});
