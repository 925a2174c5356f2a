import { ackDequeuedJobsHandler } from './ack-dequeued-jobs';
import { recordingService } from './recording-service.spec-helper';

describe('ackDequeuedJobs handler', () => {
  it('absent lists become empty; ack defaults applied by the decoder are passed through', async () => {
    const { service, calls } = recordingService();
    await ackDequeuedJobsHandler.invoke(service, {
      context: { source: 's', requestId: '' },
      request: { queueName: 'q', jobsSucceeded: [{ jobDescriptor: 'd1', appendCustomStatus: '', retryDelayMillis: 0 }] },
    });
    expect(calls[0]?.args[1]).toEqual({ queue: 'q', succeeded: [{ descriptor: 'd1', appendCustomStatus: '', retryDelayMs: 0 }], failed: [] });
  });
});
