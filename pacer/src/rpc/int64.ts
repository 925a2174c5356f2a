import Int64 from 'node-int64';

const TWO_32 = 2 ** 32;

/** Thrift i64 as npm thrift reads it (node-int64) → number (ms and ids are < 2^53). */
export function fromI64(v: Int64 | number | undefined): number | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'number' ? v : v.toNumber(true);
}

/**
 * A number as a Thrift i64. For integers of magnitude below 2^53 (times in ms, job ids, counters:
 * all Pacer sends) the 8 bytes are written here and handed to node-int64, whose own number
 * constructor allocates with the deprecated `new Buffer(8)`: its deprecation check cost a few
 * percent of a broker client's CPU (one per job id of every settled notice and dequeue reply).
 */
export function toI64(n: number): Int64 {
  // Anything else (a client's out-of-range retry delay, say) keeps node-int64's own handling.
  if (!Number.isSafeInteger(n)) return new Int64(n);
  const hi = Math.floor(n / TWO_32);
  const bytes = Buffer.allocUnsafe(8);
  bytes.writeInt32BE(hi, 0);
  bytes.writeUInt32BE(n - hi * TWO_32, 4);
  return new Int64(bytes);
}

/** A lease id (epoch · 2³² + counter, may pass 2^53) as a Thrift i64. */
export function bigToI64(n: bigint): Int64 {
  const bytes = Buffer.allocUnsafe(8);
  bytes.writeBigUInt64BE(BigInt.asUintN(64, n));
  return new Int64(bytes);
}

/** A Thrift i64 read as a lease id (exact past 2^53). */
export function bigFromI64(v: Int64 | number): bigint {
  if (typeof v === 'number') return BigInt(v);
  return v.buffer.readBigInt64BE(v.offset);
}
