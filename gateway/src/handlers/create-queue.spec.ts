import { InternalError } from '../../../core/src/errors/internal-error';
import { createQueueHandler } from './create-queue';
import { recordingService } from './recording-service.spec-helper';

describe('createQueue handler', () => {
  it('passes the context and name', async () => {
    const { service, calls } = recordingService();
    await createQueueHandler.invoke(service, { context: { source: 's', requestId: 'r' }, name: 'q' });
    expect(calls).toEqual([{ method: 'createQueue', args: [{ source: 's', requestId: 'r' }, 'q'] }]);
  });

  it('an absent argument fails synchronously like Java NPE (INTERNAL_ERROR)', () => {
    const { service } = recordingService();
    expect(() => createQueueHandler.invoke(service, { context: { source: 's', requestId: '' } })).toThrow(InternalError);
    expect(() => createQueueHandler.invoke(service, { name: 'q' })).toThrow('java.lang.NullPointerException');
  });
});
