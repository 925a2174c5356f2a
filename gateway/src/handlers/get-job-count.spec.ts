import { toCountRequest } from './get-job-count';

describe('getJobCount mapping', () => {
  it('no priority means every level; a set priority (even out of range) is passed', () => {
    expect(toCountRequest({ queueName: 'q', jobState: 3, countFutureJobs: false })).toEqual({ queue: 'q', state: 3, future: false });
    expect(toCountRequest({ queueName: 'q', jobState: 0, priority: -1, countFutureJobs: true, bodyRegexToMatch: '' })).toEqual({
      queue: 'q', state: 0, priority: -1, future: true, bodyRegex: '',
    });
  });
});
