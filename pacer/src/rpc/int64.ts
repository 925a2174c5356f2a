import Int64 from 'node-int64';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Thrift i64 as read (the lean protocol: a number below 2^53; npm thrift: node-int64) → number (ms and ids are < 2^53). */
export function fromI64(v: Int64 | number | undefined): number | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'number' ? v : v.toNumber(true);
}

/**
 * A number as a Thrift i64 field of the generated code. An integer of magnitude below 2^53 (times
 * in ms, job ids, counters: all Pacer sends) is handed over as the number itself, which the lean
 * protocol (core/src/thrift/lean-framed-transport.ts) writes straight into the frame and npm
 * thrift's own writeI64 converts: no 8-byte buffer and node-int64 object per field (the
 * generated types say Int64; both protocols take a number). node-int64's number constructor
 * allocated with the deprecated `new Buffer(8)`, whose check alone cost a few percent of a
 * process's CPU. Anything else (a client's out-of-range retry delay, say) keeps node-int64's own
 * handling.
 */
export function toI64(n: number): Int64 {
  return Number.isSafeInteger(n) ? (n as unknown as Int64) : new Int64(n);
}

/** A lease id (epoch · 2³² + counter) as a Thrift i64: a number below 2^53, node-int64 over its exact bytes past it. */
export function bigToI64(n: bigint): Int64 {
  if (n <= MAX_SAFE && n >= -MAX_SAFE) return Number(n) as unknown as Int64;
  const bytes = Buffer.allocUnsafe(8);
  bytes.writeBigUInt64BE(BigInt.asUintN(64, n));
  return new Int64(bytes);
}

/** A Thrift i64 read as a lease id (exact past 2^53). */
export function bigFromI64(v: Int64 | number): bigint {
  if (typeof v === 'number') return BigInt(v);
  return v.buffer.readBigInt64BE(v.offset);
}
