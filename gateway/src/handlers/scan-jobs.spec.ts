import { JobState } from '../../../core/src/types/job-state';
import { toScanCall, toScanResponse } from './scan-jobs';

describe('scanJobs mapping', () => {
  it('passes the continuation through for the service to check', () => {
    expect(toScanCall({ queueName: 'q', jobState: 2, scanFutureJobs: false, continuation: '0', limit: 100 })).toEqual({
      queue: 'q', state: 2, future: false, limit: 100, continuation: '0',
    });
  });

  it('continuation is always "-1"', () => {
    const res = toScanResponse([{ descriptor: 'd', state: JobState.FAILED, attemptsAllowed: 1, attemptsRemaining: 0, customStatus: '', createdAtMs: 1, runAfterMs: 9 }]);
    expect(res.continuation).toBe('-1');
    expect(res.scannedJobs[0]).toMatchObject({ jobDescriptor: 'd', jobState: 3, runAfterTimestampMillis: 9 });
    expect(toScanResponse([])).toEqual({ scannedJobs: [], continuation: '-1' });
  });
});
