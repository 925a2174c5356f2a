import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import { classifyMysqlError, isRetriableKind, MysqlStoreError, PoolWaitTimeoutError, toStoreError } from './mysql-errors';

const sqlError = (errno: number, sqlMessage: string, sqlState = 'HY000') => Object.assign(new Error(sqlMessage), { errno, sqlMessage, sqlState });

describe('legacy MySQL error classification (FACTS §3.9)', () => {
  it.each([
    [sqlError(1213, 'Deadlock found'), 'deadlock'],
    [sqlError(1205, 'Lock wait timeout exceeded'), 'deadlock'],
    [sqlError(1146, "Table 'plq_1_q.jobs_p1' doesn't exist", '42S02'), 'queue-not-found'],
    [sqlError(1040, 'Too many connections', '08004'), 'overload'],
    [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', errno: -111, fatal: true }), 'overload'],
    [Object.assign(new Error('Connection lost'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }), 'overload'],
    [Object.assign(new Error('Query inactivity timeout'), { code: 'PROTOCOL_SEQUENCE_TIMEOUT' }), 'overload'],
    [new PoolWaitTimeoutError(5000), 'overload'],
    [sqlError(1064, 'You have an error in your SQL syntax', '42000'), 'other'],
    [new Error('boom'), 'other'],
  ])('%s → %s', (error, kind) => {
    expect(classifyMysqlError(error)).toBe(kind);
  });

  it('retries overload and deadlock only', () => {
    expect(isRetriableKind('overload')).toBe(true);
    expect(isRetriableKind('deadlock')).toBe(true);
    expect(isRetriableKind('queue-not-found')).toBe(false);
    expect(isRetriableKind('other')).toBe(false);
  });

  it('maps 1146 to QUEUE_NOT_FOUND only for the operations that ask for it', () => {
    const missing = sqlError(1146, "Table 'plq_1_q.jobs_p1' doesn't exist", '42S02');
    const mapped = toStoreError(missing, 'q');
    expect(mapped.code).toBe(ErrorCode.QUEUE_NOT_FOUND);
    expect(mapped.message).toBe('Queue not found: q');
    const unknown = toStoreError(missing);
    expect(unknown.code).toBe(ErrorCode.UNKNOWN);
    expect(unknown.message).toBe("com.mysql.jdbc.exceptions.jdbc4.MySQLSyntaxErrorException: Table 'plq_1_q.jobs_p1' doesn't exist");
  });

  it('keeps the kind on the wrapped error so retries still classify it', () => {
    const wrapped = toStoreError(sqlError(1213, 'Deadlock found'));
    expect(wrapped).toBeInstanceOf(MysqlStoreError);
    expect(classifyMysqlError(wrapped)).toBe('deadlock');
    const passthrough = new PinLaterError(ErrorCode.QUEUE_NAME_TOO_LONG, 'x');
    expect(toStoreError(passthrough)).toBe(passthrough);
  });
});
