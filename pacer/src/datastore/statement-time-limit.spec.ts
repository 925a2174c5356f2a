import { flavourOf, withTimeLimit } from './statement-time-limit';

describe('Pacer statement time limits of body-regex statements', () => {
  it('MariaDB wraps any statement; MySQL hints SELECTs only', () => {
    expect(flavourOf('10.11.19-MariaDB')).toBe('mariadb');
    expect(withTimeLimit('DELETE FROM jobs WHERE queue = ? LIMIT ?', 'mariadb', 5000)).toBe(
      'SET STATEMENT max_statement_time = 5.000 FOR DELETE FROM jobs WHERE queue = ? LIMIT ?',
    );
    expect(withTimeLimit('SELECT id FROM jobs', 'mysql', 5000)).toBe('SELECT /*+ MAX_EXECUTION_TIME(5000) */ id FROM jobs');
    expect(() => withTimeLimit('DELETE FROM jobs', 'mysql', 5000)).toThrow(/SELECT statements only/);
  });
});
