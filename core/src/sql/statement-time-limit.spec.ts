import { ErrorCode } from '../errors/error-code';
import { bodyRegexBudgetExceeded, clientTimeoutFor, flavourOf, isStatementTimeout, serverVersionSql, withinTimeLimit, withTimeLimit } from './statement-time-limit';

const timeout = (errno: number): Error => Object.assign(new Error('Query execution was interrupted'), { errno });

describe('statement time limits of body-regex statements (legacy MySQL and Pacer)', () => {
  it('tells MariaDB from MySQL by VERSION()', () => {
    expect(serverVersionSql()).toBe('SELECT VERSION() AS version');
    expect(flavourOf('10.11.19-MariaDB-0+deb12u1')).toBe('mariadb');
    expect(flavourOf('8.0.36')).toBe('mysql');
    expect(flavourOf('5.7.44-log')).toBe('mysql');
  });

  it('MariaDB: SET STATEMENT max_statement_time (seconds) FOR any statement', () => {
    expect(withTimeLimit('DELETE FROM `t` WHERE state = ? LIMIT ?', 'mariadb', 1500)).toBe(
      'SET STATEMENT max_statement_time = 1.500 FOR DELETE FROM `t` WHERE state = ? LIMIT ?',
    );
  });

  it('MySQL: the MAX_EXECUTION_TIME hint (ms) right after SELECT, and SELECT only', () => {
    expect(withTimeLimit('SELECT COUNT(*) FROM (SELECT 1 FROM `t`) AS job_info', 'mysql', 250)).toBe(
      'SELECT /*+ MAX_EXECUTION_TIME(250) */ COUNT(*) FROM (SELECT 1 FROM `t`) AS job_info',
    );
    expect(() => withTimeLimit('DELETE FROM `t`', 'mysql', 250)).toThrow(/SELECT statements only/);
    expect(() => withTimeLimit('SELECT 1', 'mariadb', 0)).toThrow(/positive integer/);
  });

  it('recognises both servers\' "statement ran too long" errors, also as the cause of a store error', () => {
    expect(isStatementTimeout({ errno: 1969 })).toBe(true);
    expect(isStatementTimeout({ errno: 3024 })).toBe(true);
    expect(isStatementTimeout({ errno: 1317 })).toBe(false);
    expect(isStatementTimeout(new Error('wrapped', { cause: timeout(1969) }))).toBe(true);
    expect(isStatementTimeout(new Error('wrapped', { cause: timeout(1317) }))).toBe(false);
  });

  it('answers a statement the server ended with the message each store always sent, naming its knob', async () => {
    let exceeded = 0;
    const budget = { limitMs: 1500, onExceeded: () => (exceeded += 1) };
    const e = await withinTimeLimit(budget, 'GATEWAY_BODY_REGEX_TIMEOUT_MS', () => Promise.reject(timeout(1969))).catch((err: unknown) => err);
    expect(exceeded).toBe(1);
    expect((e as { code: number }).code).toBe(ErrorCode.UNKNOWN);
    expect((e as Error).message).toBe(
      'Body regex filter stopped: it ran longer than the 1500 ms statement time limit (GATEWAY_BODY_REGEX_TIMEOUT_MS). ' +
        'Use a simpler pattern (no nested or repeated quantifiers such as (a+)+ or a*a*a*), or narrow the request: ' +
        'one priority, a smaller limit, fewer jobs in that state.',
    );
    expect(bodyRegexBudgetExceeded(5000, 'Pacer backend config bodyRegexTimeoutMs', undefined).message).toMatch(
      /^Body regex filter stopped: it ran longer than the 5000 ms statement time limit \(Pacer backend config bodyRegexTimeoutMs\)\. Use a simpler/,
    );
    const other = timeout(1317);
    await expect(withinTimeLimit(budget, 'X', () => Promise.reject(other))).rejects.toBe(other);
    expect(exceeded).toBe(1);
  });

  it('lets the server answer before the client-side timeout', () => {
    expect(clientTimeoutFor(5000, 5000)).toBe(6000);
    expect(clientTimeoutFor(1000, 30_000)).toBe(30_000);
    expect(clientTimeoutFor(1000, 0)).toBe(0);
  });
});
