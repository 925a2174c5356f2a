import { withRetries } from './with-retries';

const transient = new Error('transient');
const fatal = new Error('fatal');
const isTransient = (e: unknown): boolean => e === transient;

/** An operation that fails with `failures` in turn, then returns the number of its attempts. */
function flaky(failures: Error[]): { op: () => Promise<number>; attempts: () => number } {
  let attempts = 0;
  return {
    op: async () => {
      attempts++;
      const failure = failures.shift();
      if (failure) throw failure;
      return attempts;
    },
    attempts: () => attempts,
  };
}

describe('withRetries', () => {
  it('retries retriable failures up to `retries` extra attempts, calling onRetry before each', async () => {
    const retried: unknown[] = [];
    const ok = flaky([transient, transient]);
    await expect(withRetries(ok.op, 2, isTransient, (e) => retried.push(e))).resolves.toBe(3);
    expect(retried).toEqual([transient, transient]);

    const exhausted = flaky([transient, transient, transient]);
    await expect(withRetries(exhausted.op, 2, isTransient)).rejects.toBe(transient);
    expect(exhausted.attempts()).toBe(3);
  });

  it('fails at once on an error that is not retriable, or with no retries', async () => {
    const notRetriable = flaky([fatal]);
    await expect(withRetries(notRetriable.op, 5, isTransient)).rejects.toBe(fatal);
    expect(notRetriable.attempts()).toBe(1);

    const noRetries = flaky([transient]);
    await expect(withRetries(noRetries.op, 0, isTransient)).rejects.toBe(transient);
    expect(noRetries.attempts()).toBe(1);
  });

  it('a retry that fails with an error that is not retriable ends the loop with that error', async () => {
    const mixed = flaky([transient, fatal]);
    await expect(withRetries(mixed.op, 3, isTransient)).rejects.toBe(fatal);
    expect(mixed.attempts()).toBe(2);
  });

  it('an operation that throws instead of rejecting is retried the same way', async () => {
    let calls = 0;
    const op = (): Promise<string> => {
      calls++;
      if (calls === 1) throw transient;
      return Promise.resolve('done');
    };
    await expect(withRetries(op, 1, isTransient)).resolves.toBe('done');
  });
});
