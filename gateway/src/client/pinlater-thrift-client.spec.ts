import Int64 from 'node-int64';
import { i64 } from './pinlater-thrift-client';

describe("i64 (the PinLater client's Thrift i64 fields)", () => {
  it("holds the same 8 bytes as node-int64's number constructor, negatives and 2^53 - 1 included", () => {
    for (const n of [0, 1, -1, 42, 2 ** 31, 2 ** 32 - 1, 2 ** 32, -(2 ** 32), 1_764_900_000_000, -1_764_900_000_000, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
      expect(i64(n).buffer.toString('hex')).toBe(new Int64(n).buffer.toString('hex'));
      expect(i64(n).toNumber(true)).toBe(n);
    }
  });

  it('builds safe integers from bytes of its own, not from a number (whose constructor allocates with the deprecated new Buffer)', () => {
    const spy = jest.spyOn(Int64.prototype, 'setValue');
    try {
      i64(1_764_900_000_000);
      i64(-7);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it("leaves values past 2^53 to node-int64's own handling", () => {
    expect(i64(2 ** 60).buffer.toString('hex')).toBe(new Int64(2 ** 60).buffer.toString('hex'));
    expect(i64(1.5).buffer.toString('hex')).toBe(new Int64(1.5).buffer.toString('hex'));
  });
});
