import { JobExecution, resultOf, type JobOutcome } from './job-execution';
import { NonRetryableJobError, RetryableJobError } from './job-errors';

const BACKOFF = { initialDelayMs: 1000, maxDelayMs: 60_000 };

function execution(attemptsAllowed: number | null, attemptsRemaining: number | null): JobExecution {
  return new JobExecution({
    queue: 'q', descriptor: 'q:s1:p1:7', body: Buffer.from('b'), attemptsAllowed, attemptsRemaining,
    checkpoint: () => Promise.resolve(), nowMs: () => Date.now(),
  });
}

async function outcomeOf(e: JobExecution, handler: Parameters<JobExecution['run']>[0]): Promise<JobOutcome> {
  return e.run(handler, BACKOFF, () => 0);
}

describe('JobExecution', () => {
  it('shows the handler the job as the dequeue carried it, with its attempt number', () => {
    expect(execution(5, 3).job).toMatchObject({ queue: 'q', descriptor: 'q:s1:p1:7', attemptsAllowed: 5, attemptsRemaining: 3, attempt: 3, customStatus: '' });
    expect(execution(null, null).job).toMatchObject({ attemptsAllowed: 1, attemptsRemaining: 1, attempt: 1 });
  });

  it('succeeds when the handler resolves, with the status it set', async () => {
    const o = await outcomeOf(execution(2, 2), (job) => {
      job.customStatus = 'rendered 3 pages';
    });
    expect(o).toMatchObject({ kind: 'succeeded', customStatus: 'rendered 3 pages' });
    expect(resultOf(o)).toBe('succeeded');
  });

  it('a plain error: retried after the backoff of its failure number (attempts consumed so far), the message as status', async () => {
    const first = await outcomeOf(execution(5, 5), () => {
      throw new Error('boom');
    });
    expect(first).toMatchObject({ kind: 'failed', retry: true, exhaust: false, retryDelayMs: 500, customStatus: 'Error: boom' });
    expect(resultOf(first)).toBe('retried');
    const third = await outcomeOf(execution(5, 3), () => Promise.reject(new Error('boom')));
    expect(third).toMatchObject({ retryDelayMs: 2000 });
  });

  it('a RetryableJobError: the handler\'s delay; on the last attempt it fails for good', async () => {
    expect(await outcomeOf(execution(3, 2), () => {
      throw new RetryableJobError('busy', 42_000);
    })).toMatchObject({ kind: 'failed', retry: true, retryDelayMs: 42_000, customStatus: 'RetryableJobError: busy' });
    const last = await outcomeOf(execution(3, 1), () => {
      throw new RetryableJobError('busy', 42_000);
    });
    expect(last).toMatchObject({ retry: false, exhaust: false });
    expect(resultOf(last)).toBe('failed');
  });

  it('a NonRetryableJobError: fails for good, its attempts to be used up first when some remain', async () => {
    const o = await outcomeOf(execution(3, 3), (job) => {
      job.customStatus = 'bad input';
      throw new NonRetryableJobError('malformed');
    });
    expect(o).toMatchObject({ kind: 'failed', retry: false, exhaust: true, customStatus: 'bad input' });
    expect(resultOf(o)).toBe('failed');
    expect(await outcomeOf(execution(3, 1), () => {
      throw new NonRetryableJobError('malformed');
    })).toMatchObject({ retry: false, exhaust: false });
  });

  it('anything thrown becomes an Error; a RetryableJobError with a bad delay is refused where it is made', async () => {
    expect(await outcomeOf(execution(2, 2), () => {
      throw 'a string';
    })).toMatchObject({ kind: 'failed', customStatus: 'Error: a string' });
    expect(() => new RetryableJobError('x', -1)).toThrow(RangeError);
  });

  it('release() gives up a running job (its signal aborts) but not one whose handler ended; a released job refuses checkpoints', async () => {
    const running = execution(2, 2);
    let started = (): void => undefined;
    const handlerStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const run = running.run(async (job) => {
      started();
      await new Promise<void>((resolve) => job.signal.addEventListener('abort', () => resolve()));
    }, BACKOFF, () => 0);
    await handlerStarted;
    expect(running.release()).toBe(true);
    expect(running.job.signal.aborted).toBe(true);
    await expect(running.job.checkpoint()).rejects.toThrow('checkpoint() after the job ended');
    await run;
    const ended = execution(2, 2);
    await ended.run(() => undefined, BACKOFF, () => 0);
    expect(ended.release()).toBe(false);
    expect(ended.released).toBe(false);
  });
});
