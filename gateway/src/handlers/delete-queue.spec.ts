import { deleteQueueHandler } from './delete-queue';
import { recordingService } from './recording-service.spec-helper';

describe('deleteQueue handler', () => {
  it('keeps an absent password distinguishable from an empty one', async () => {
    const { service, calls } = recordingService();
    const context = { source: 's', requestId: '' };
    await deleteQueueHandler.invoke(service, { context, name: 'q' });
    await deleteQueueHandler.invoke(service, { context, name: 'q', password: '' });
    expect(calls.map((c) => c.args[2])).toEqual([undefined, '']);
  });
});
