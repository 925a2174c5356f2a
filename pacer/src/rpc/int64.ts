import Int64 from 'node-int64';

/** Thrift i64 as npm thrift reads it (node-int64) → number (ms and ids are < 2^53). */
export function fromI64(v: Int64 | number | undefined): number | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'number' ? v : v.toNumber(true);
}

export function toI64(n: number): Int64 {
  return new Int64(n);
}

/** A lease id (epoch · 2³² + counter, may pass 2^53) as a Thrift i64. */
export function bigToI64(n: bigint): Int64 {
  return new Int64(Number(BigInt.asUintN(64, n) >> 32n), Number(n & 0xffffffffn));
}

/** A Thrift i64 read as a lease id (exact past 2^53). */
export function bigFromI64(v: Int64 | number): bigint {
  if (typeof v === 'number') return BigInt(v);
  return v.buffer.readBigInt64BE(v.offset);
}
