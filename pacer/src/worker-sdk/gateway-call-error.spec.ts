import { ErrorCode } from '../../../core/src/errors/error-code';
import { classifyCallFailure, GatewayCallError } from './gateway-call-error';

/** The shapes npm thrift rejects with: a generated PinLaterException, a TApplicationException. */
function pinlaterException(code: number, message: string): Error {
  return Object.assign(new Error(message), { name: 'PinLaterException', errorCode: code });
}

describe('classifyCallFailure', () => {
  it('a rate-limited dequeue is its own kind (the worker waits as for an empty queue)', () => {
    expect(classifyCallFailure('dequeueJobs', pinlaterException(ErrorCode.DEQUEUE_RATE_LIMITED, 'Dequeue rate limit exceeded for queue: q')))
      .toMatchObject({ kind: 'rate-limited', errorType: 'DEQUEUE_RATE_LIMITED', method: 'dequeueJobs' });
  });

  it('other PinLaterExceptions by their ErrorCode name; an unknown code still gets a bounded name', () => {
    expect(classifyCallFailure('ackDequeuedJobs', pinlaterException(ErrorCode.QUEUE_NOT_FOUND, 'Queue not found: q')))
      .toMatchObject({ kind: 'pinlater', errorType: 'QUEUE_NOT_FOUND', message: 'ackDequeuedJobs: PinLaterException QUEUE_NOT_FOUND: Queue not found: q' });
    expect(classifyCallFailure('dequeueJobs', pinlaterException(499, 'x'))).toMatchObject({ kind: 'pinlater', errorType: 'ERROR_499' });
  });

  it('a TApplicationException is an application error; anything else a lost connection', () => {
    expect(classifyCallFailure('dequeueJobs', Object.assign(new Error('Internal error processing dequeueJobs'), { name: 'TApplicationException', type: 6 })))
      .toMatchObject({ kind: 'application', errorType: 'application_error' });
    expect(classifyCallFailure('checkpointJobs', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toMatchObject({ kind: 'connection', errorType: 'connection_lost' });
  });

  it('keeps a GatewayCallError as it is, and the original as the cause', () => {
    const own = new GatewayCallError('dequeueJobs', 'connection', 'timeout', 'no reply within 10 ms');
    expect(classifyCallFailure('other', own)).toBe(own);
    const cause = pinlaterException(ErrorCode.UNKNOWN, 'x');
    expect(classifyCallFailure('dequeueJobs', cause).cause).toBe(cause);
  });
});
