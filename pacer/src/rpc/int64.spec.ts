import { bigFromI64, bigToI64, fromI64, toI64 } from './int64';

describe('Thrift i64 conversions', () => {
  it('round-trips lease ids exactly, past 2^53', () => {
    for (const v of [1n, (1n << 32n) + 5n, (1n << 53n) + 1n, (123_456n << 32n) + 4_294_967_295n, (1n << 62n) + 3n]) {
      expect(bigFromI64(bigToI64(v))).toBe(v);
    }
  });

  it('round-trips millisecond times and ids as numbers', () => {
    expect(fromI64(toI64(1_764_900_000_000))).toBe(1_764_900_000_000);
    expect(bigFromI64(toI64(42))).toBe(42n);
  });
});
