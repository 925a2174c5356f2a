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

  it('never sends the statement a driver attached to an error that escaped its store', () => {
    const sql = "SELECT * FROM `plq_1_q`.`jobs_p1` WHERE body REGEXP 'x'";
    const escaped = Object.assign(new Error(`failed: ${sql}`), { sql });
    expect(toThriftError(escaped, 'scanJobs', 'async')).toMatchObject({ errorCode: ErrorCode.UNKNOWN, message: 'Error: failed: <statement>' });
  });
});
