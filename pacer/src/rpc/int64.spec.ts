import Int64 from 'node-int64';
import { LeanBinaryProtocol, LeanFramedTransport } from '../../../core/src/thrift/lean-framed-transport';
import { bigFromI64, bigToI64, fromI64, toI64 } from './int64';

/** The 8 bytes the broker's protocol writes for `v`. */
function written(v: Int64): string {
  let frame: Buffer = Buffer.alloc(0);
  const p = new LeanBinaryProtocol(new LeanFramedTransport(undefined, (f) => (frame = f)));
  p.writeI64(v);
  p.flush();
  return frame.subarray(4).toString('hex');
}

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

  it("are written as the same 8 bytes as node-int64's own constructors make, negatives, 2^53 - 1 and lease ids past 2^53 included", () => {
    for (const n of [0, 1, -1, 42, 2 ** 31, 2 ** 32 - 1, 2 ** 32, -(2 ** 32), 1_764_900_000_000, -1_764_900_000_000, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
      expect(written(toI64(n))).toBe(new Int64(n).buffer.toString('hex'));
    }
    for (const v of [0n, 5n, (1n << 53n) + 1n, (1n << 63n) - 1n, (7n << 32n) + 9n]) {
      expect(written(bigToI64(v))).toBe(new Int64(Number(v >> 32n), Number(v & 0xffffffffn)).buffer.toString('hex'));
    }
  });

  it('hand integers below 2^53 over as numbers: no 8-byte buffer and node-int64 object per field', () => {
    expect(toI64(1_764_900_000_000)).toBe(1_764_900_000_000);
    expect(bigToI64((3n << 32n) + 7n)).toBe(3 * 2 ** 32 + 7);
    expect(bigToI64(1n << 60n)).toBeInstanceOf(Int64);
  });

  it("leaves what is not an integer below 2^53 to node-int64, as before", () => {
    for (const n of [0.5, -3.5, 2 ** 53, 2 ** 60, Number.NaN]) {
      expect(toI64(n)).toBeInstanceOf(Int64);
      expect(toI64(n).buffer.toString('hex')).toBe(new Int64(n).buffer.toString('hex'));
    }
  });
});
