import { javaDoubleToString, javaSeconds, secondsTextToMs } from './java-format';

describe('Java Double.toString (FACTS §6.2, §13)', () => {
  it.each([
    [1700000000123, '1.700000000123E9'],
    [1700000000000, '1.7E9'],
    [9999999, '9999.999'],
    [1425123456789, '1.425123456789E9'],
    [0, '0.0'],
    [1000, '1.0'],
    [10_000_000_000, '1.0E7'],
    [9_999_999_999, '9999999.999'],
    [1_700_000_000_100, '1.7000000001E9'],
  ])('ms %p → %p', (ms, text) => {
    expect(javaSeconds(ms)).toBe(text);
  });

  it('formats small and negative values', () => {
    expect(javaDoubleToString(0.0001)).toBe('1.0E-4');
    expect(javaDoubleToString(-1.5)).toBe('-1.5');
    expect(javaDoubleToString(123456789012)).toBe('1.23456789012E11');
  });

  it('parses back as Java (×1000, truncated)', () => {
    expect(secondsTextToMs('1.700000000123E9')).toBe(1700000000123);
    expect(secondsTextToMs(undefined)).toBe(0);
    expect(secondsTextToMs('9999.999')).toBe(9999999);
  });
});
