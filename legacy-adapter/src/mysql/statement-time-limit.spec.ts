import { clientTimeoutFor, flavourOf, isStatementTimeout, withTimeLimit } from './statement-time-limit';

describe('statement time limits of body-regex statements', () => {
  it('tells MariaDB from MySQL by VERSION()', () => {
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

  it('recognises both servers\' "statement ran too long" errors', () => {
    expect(isStatementTimeout({ errno: 1969 })).toBe(true);
    expect(isStatementTimeout({ errno: 3024 })).toBe(true);
    expect(isStatementTimeout({ errno: 1317 })).toBe(false);
  });

  it('lets the server answer before the client-side timeout', () => {
    expect(clientTimeoutFor(5000, 5000)).toBe(6000);
    expect(clientTimeoutFor(1000, 30_000)).toBe(30_000);
    expect(clientTimeoutFor(1000, 0)).toBe(0);
  });
});
