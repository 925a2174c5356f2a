import { JobState } from '../../../core/src/types/job-state';
import { toLookupRequest, toLookupResponse } from './lookup-jobs';

describe('lookupJobs mapping', () => {
  it('maps the request', () => {
    expect(toLookupRequest({ jobDescriptors: ['a'], includeBody: false })).toEqual({ descriptors: ['a'], includeBody: false });
  });

  it('keys by the descriptor as sent; optional JobInfo fields only when present', () => {
    const res = toLookupResponse(
      new Map([
        ['q:s1:p+1:007', { descriptor: 'q:s1:p1:7', state: JobState.PENDING, attemptsAllowed: 2, attemptsRemaining: 2, customStatus: '', createdAtMs: 5 }],
        ['x', { descriptor: 'x:s1:p1:1', state: JobState.IN_PROGRESS, attemptsAllowed: 1, attemptsRemaining: 1, customStatus: 's', createdAtMs: 1, runAfterMs: 2, updatedAtMs: 3, claimDescriptor: 'c', body: Buffer.from('b') }],
      ]),
    );
    expect(res.get('q:s1:p+1:007')).toEqual({ jobDescriptor: 'q:s1:p1:7', jobState: 0, attemptsAllowed: 2, attemptsRemaining: 2, customStatus: '', createdAtTimestampMillis: 5 });
    expect(res.get('x')).toEqual({
      jobDescriptor: 'x:s1:p1:1', jobState: 1, attemptsAllowed: 1, attemptsRemaining: 1, customStatus: 's', createdAtTimestampMillis: 1,
      runAfterTimestampMillis: 2, updatedAtTimestampMillis: 3, claimDescriptor: 'c', body: Buffer.from('b'),
    });
  });
});
