import Int64 from 'node-int64';
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

  it("writes the same 8 bytes as node-int64's own constructors, negatives and 2^53 - 1 included", () => {
    for (const n of [0, 1, -1, 42, 2 ** 31, 2 ** 32 - 1, 2 ** 32, -(2 ** 32), 1_764_900_000_000, -1_764_900_000_000, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
      expect(toI64(n).buffer.toString('hex')).toBe(new Int64(n).buffer.toString('hex'));
    }
    for (const v of [0n, 5n, (1n << 63n) - 1n, (7n << 32n) + 9n]) {
      expect(bigToI64(v).buffer.toString('hex')).toBe(new Int64(Number(v >> 32n), Number(v & 0xffffffffn)).buffer.toString('hex'));
    }
  });

  it("leaves what is not an integer below 2^53 to node-int64, as before", () => {
    for (const n of [0.5, -3.5, 2 ** 53, 2 ** 60, Number.NaN]) expect(toI64(n).buffer.toString('hex')).toBe(new Int64(n).buffer.toString('hex'));
  });
});
