import { toDeleteJobsRequest } from './delete-jobs';

describe('deleteJobs mapping', () => {
  it('maps state, priority, limit and the optional regex', () => {
    expect(toDeleteJobsRequest({ queueName: 'q', jobState: 3, priority: 1, limit: 1000 })).toEqual({ queue: 'q', state: 3, priority: 1, limit: 1000 });
    expect(toDeleteJobsRequest({ queueName: 'q', jobState: 0, priority: 2, limit: 1, bodyRegexToMatch: 'x' }).bodyRegex).toBe('x');
  });
});
