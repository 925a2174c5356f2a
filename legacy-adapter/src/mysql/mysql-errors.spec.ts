import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import { classifyMysqlError, isRetriableKind, MysqlStoreError, PoolWaitTimeoutError, toStoreError } from './mysql-errors';
import { bodyRegexBudgetExceeded } from '../../../core/src/sql/statement-time-limit';

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

  describe('messages sent to clients carry no statement text (issue 8)', () => {
    const withSql = (errno: number, sqlMessage: string, sql: string, sqlState = '42000') => Object.assign(sqlError(errno, sqlMessage, sqlState), { sql });

    it("cuts a syntax error's quote of the statement, keeps the rest of the server's message", () => {
      const sql = "SELECT local_id FROM `plq_1_q`.`jobs_p1` WHERE body REGEXP 'secret'";
      const e = withSql(1064, "You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near 'REGEXP 'secret'' at line 1", sql);
      const mapped = toStoreError(e);
      expect(mapped.message).toBe(
        'com.mysql.jdbc.exceptions.jdbc4.MySQLSyntaxErrorException: You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use',
      );
      expect(mapped.message).not.toMatch(/secret|jobs_p1|SELECT/);
    });

    it("never shows the driver's statement, even if a driver put it into the message", () => {
      const sql = 'UPDATE `plq_1_q`.`jobs_p1` SET state = 2 WHERE local_id = 7';
      const e = Object.assign(new Error(`Lock wait timeout exceeded; statement: ${sql}`), { code: 'X', sql });
      expect(toStoreError(e).message).toBe('java.lang.RuntimeException: Lock wait timeout exceeded; statement: <statement>');
    });

    it("keeps PinLater's own messages unchanged (FACTS §3.3, §5.5)", () => {
      const missing = withSql(1146, "Table 'plq_1_q.jobs_p1' doesn't exist", 'SELECT 1 FROM `plq_1_q`.`jobs_p1`', '42S02');
      expect(toStoreError(missing).message).toBe("com.mysql.jdbc.exceptions.jdbc4.MySQLSyntaxErrorException: Table 'plq_1_q.jobs_p1' doesn't exist");
      expect(toStoreError(missing, 'q').message).toBe('Queue not found: q');
    });

    it('keeps the full detail, statement included, for the server log', () => {
      const e = withSql(1064, "... near 'x' at line 1", 'SELECT x');
      expect((toStoreError(e) as MysqlStoreError).driver).toEqual({ errno: 1064, sqlState: '42000', message: "... near 'x' at line 1", statement: 'SELECT x' });
    });

    it('the statement time limit answers with a message naming the knob and how to narrow the filter', () => {
      const e = bodyRegexBudgetExceeded(1500, 'GATEWAY_BODY_REGEX_TIMEOUT_MS', sqlError(1969, 'Query execution was interrupted (max_statement_time exceeded)', '70100'));
      expect(e.code).toBe(ErrorCode.UNKNOWN);
      expect(e.message).toMatch(/1500 ms statement time limit \(GATEWAY_BODY_REGEX_TIMEOUT_MS\)/);
      expect(e.message).toMatch(/simpler pattern/);
    });
  });
});
