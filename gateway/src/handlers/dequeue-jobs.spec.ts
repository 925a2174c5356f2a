import { toDequeueCall, toDequeueResponse } from './dequeue-jobs';

describe('dequeueJobs mapping', () => {
  it('maps the request with defaults and the piggybacked acks', () => {
    expect(toDequeueCall({ queueName: 'q', limit: 5, dryRun: false, coverage: 1 })).toEqual({ queue: 'q', limit: 5, dryRun: false, coverage: 1 });
    const call = toDequeueCall({
      queueName: 'q',
      limit: 1,
      dryRun: true,
      coverage: 0.5,
      jobAckRequest: { queueName: 'other', jobsFailed: [{ jobDescriptor: 'd', appendCustomStatus: 'e', retryDelayMillis: 1000 }] },
    });
    expect(call.ack).toEqual({ queue: 'other', succeeded: [], failed: [{ descriptor: 'd', appendCustomStatus: 'e', retryDelayMs: 1000 }] });
  });

  it('an empty result leaves BOTH maps absent (FACTS §1.3)', () => {
    expect(toDequeueResponse({ jobs: [] })).toEqual({});
  });

  it('fills jobs and metadata keyed by descriptor', () => {
    const res = toDequeueResponse({
      jobs: [{ descriptor: 'q:s1:p1:1', body: Buffer.from('b'), attemptsAllowed: 3, attemptsRemaining: 2, createdAtMs: 1, updatedAtMs: 2 }],
    });
    expect(res.jobs).toEqual(new Map([['q:s1:p1:1', Buffer.from('b')]]));
    expect(res.jobMetadata).toEqual(new Map([['q:s1:p1:1', { attemptsAllowed: 3, attemptsRemaining: 2 }]]));
  });
});
