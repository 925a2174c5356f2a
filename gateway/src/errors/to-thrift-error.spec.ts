import { ErrorCode } from '../../../core/src/errors/error-code';
import { InternalError } from '../../../core/src/errors/internal-error';
import { PinLaterError, QueueNotFoundError } from '../../../core/src/errors/pinlater-error';
import { toThriftError } from './to-thrift-error';

describe('toThriftError', () => {
  it('PinLaterError → PinLaterException with its code and message, in both phases', () => {
    expect(toThriftError(new QueueNotFoundError('q'), 'm', 'async')).toEqual({ kind: 'pinlater-exception', errorCode: ErrorCode.QUEUE_NOT_FOUND, message: 'q' });
    expect(toThriftError(new PinLaterError(ErrorCode.QUEUE_NAME_INVALID, 'x'), 'm', 'sync').kind).toBe('pinlater-exception');
  });

  it('InternalError → INTERNAL_ERROR with PinLater message shape', () => {
    expect(toThriftError(new InternalError('java.lang.IllegalArgumentException'), 'dequeueJobs', 'async')).toEqual({
      kind: 'application-exception',
      type: 6,
      message: "Internal error processing dequeueJobs: 'java.lang.IllegalArgumentException'",
    });
  });

  it('other errors: sync → INTERNAL_ERROR, async → UNKNOWN with the error text', () => {
    expect(toThriftError(new TypeError('bad'), 'lookupJobs', 'sync')).toMatchObject({ type: 6, message: "Internal error processing lookupJobs: 'TypeError: bad'" });
    expect(toThriftError(new RangeError('r'), 'lookupJobs', 'async')).toEqual({ kind: 'pinlater-exception', errorCode: ErrorCode.UNKNOWN, message: 'RangeError: r' });
    expect(toThriftError('str', 'm', 'async')).toMatchObject({ errorCode: ErrorCode.UNKNOWN, message: 'Error: str' });
  });
});
