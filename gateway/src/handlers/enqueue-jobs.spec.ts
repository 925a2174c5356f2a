import { enqueueJobsHandler, toEnqueueRequest, toEnqueueResponse } from './enqueue-jobs';
import { recordingService } from './recording-service.spec-helper';

describe('enqueueJobs mapping', () => {
  it('keeps runAfter unset distinct from 0 and priorities signed (FACTS §11.12, §2.2)', () => {
    const req = toEnqueueRequest({
      queueName: 'q',
      jobs: [
        { body: Buffer.from('a'), priority: 1, numAttemptsAllowed: 2, customStatus: '' },
        { body: Buffer.from('b'), priority: -128, runAfterTimestampMillis: 0, numAttemptsAllowed: 0, customStatus: 'x' },
      ],
    });
    expect(req.queue).toBe('q');
    expect(req.jobs[0]).toEqual({ body: Buffer.from('a'), priority: 1, attemptsAllowed: 2, customStatus: '' });
    expect('runAfterMs' in (req.jobs[0] ?? {})).toBe(false);
    expect(req.jobs[1]).toEqual({ body: Buffer.from('b'), priority: -128, runAfterMs: 0, attemptsAllowed: 0, customStatus: 'x' });
  });

  it('returns descriptors in order', async () => {
    expect(toEnqueueResponse(['a', 'b'])).toEqual({ jobDescriptors: ['a', 'b'] });
    const { service } = recordingService(['d1']);
    const res = await enqueueJobsHandler.invoke(service, {
      context: { source: 's', requestId: '' },
      request: { queueName: 'q', jobs: [{ body: Buffer.from('x'), priority: 1, numAttemptsAllowed: 2, customStatus: '' }] },
    });
    expect(res).toEqual({ jobDescriptors: ['d1'] });
  });
});
