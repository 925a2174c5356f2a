import { toRetryFailedRequest } from './retry-failed-jobs';

describe('retryFailedJobs mapping', () => {
  it('runAfter unset stays unset; 0 is kept', () => {
    expect(toRetryFailedRequest({ queueName: 'q', priority: 1, attemptsToAllow: 1, limit: 1000 })).toEqual({ queue: 'q', priority: 1, attemptsToAllow: 1, limit: 1000 });
    expect(toRetryFailedRequest({ queueName: 'q', priority: 2, attemptsToAllow: 3, limit: 5, runAfterTimestampMillis: 0 }).runAfterMs).toBe(0);
  });
});
