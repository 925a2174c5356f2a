import { formatSqlTimestamp, parseSqlTimestamp, sessionTimeZone, truncateToSecondMs } from './mysql-time';

describe('legacy MySQL time literals (FACTS §5.4)', () => {
  it('truncates to whole seconds, never rounds', () => {
    expect(truncateToSecondMs(1_700_000_000_999)).toBe(1_700_000_000_000);
    expect(formatSqlTimestamp(1_700_000_000_999, 0)).toBe('2023-11-14 22:13:20');
    expect(formatSqlTimestamp(1_700_000_000_500, 0)).toBe('2023-11-14 22:13:20');
  });

  it('renders the wall clock at the session offset and parses it back to the instant', () => {
    const ms = Date.UTC(2024, 2, 10, 1, 30, 5);
    expect(formatSqlTimestamp(ms, 120)).toBe('2024-03-10 03:30:05');
    expect(formatSqlTimestamp(ms, -420)).toBe('2024-03-09 18:30:05');
    expect(formatSqlTimestamp(ms, 330)).toBe('2024-03-10 07:00:05');
    for (const offset of [0, 120, -420, 330]) {
      expect(parseSqlTimestamp(formatSqlTimestamp(ms, offset), offset)).toBe(ms);
    }
  });

  it('names offsets as MySQL session time zones', () => {
    expect(sessionTimeZone(0)).toBe('+00:00');
    expect(sessionTimeZone(-420)).toBe('-07:00');
    expect(sessionTimeZone(330)).toBe('+05:30');
  });

  it('reads the zero date as 0 and rejects garbage', () => {
    expect(parseSqlTimestamp('0000-00-00 00:00:00', 60)).toBe(0);
    expect(parseSqlTimestamp('2024-01-01 00:00:00.250', 0)).toBe(Date.UTC(2024, 0, 1) + 250);
    expect(() => parseSqlTimestamp('yesterday', 0)).toThrow(/Unexpected TIMESTAMP/);
  });
});
