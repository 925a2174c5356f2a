import Int64 from 'node-int64';

/** Thrift i64 as npm thrift reads it (node-int64) → number (ms and ids are < 2^53). */
export function fromI64(v: Int64 | number | undefined): number | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'number' ? v : v.toNumber(true);
}

export function toI64(n: number): Int64 {
  return new Int64(n);
}
