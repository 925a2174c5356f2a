import { checkpointJobsHandler, toCheckpointItem } from './checkpoint-jobs';
import { recordingService } from './recording-service.spec-helper';

describe('checkpointJobs mapping', () => {
  it('only set optional fields are passed', () => {
    expect(toCheckpointItem({ jobDescriptor: 'd', moveToPending: false })).toEqual({ descriptor: 'd', moveToPending: false });
    expect(
      toCheckpointItem({ jobDescriptor: 'd', moveToPending: true, newBody: '', runAfterTimestampMillis: 0, numOfAttemptsAllowed: 3, prependCustomStatus: 'p' }),
    ).toEqual({ descriptor: 'd', moveToPending: true, newBody: '', runAfterMs: 0, numOfAttemptsAllowed: 3, prependCustomStatus: 'p' });
  });

  it('passes the queue and the items', async () => {
    const { service, calls } = recordingService();
    await checkpointJobsHandler.invoke(service, { context: { source: 'w1', requestId: '' }, request: { queueName: 'q', requests: [] } });
    expect(calls[0]?.args).toEqual([{ source: 'w1', requestId: '' }, 'q', []]);
  });
});
