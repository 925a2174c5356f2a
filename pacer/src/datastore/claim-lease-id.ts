/**
 * Claim lease ids (docs/pacer-performance.md, "Claim leases"): `lease_id = epoch · 2³² + counter`,
 * where `epoch` is the partition owner's fencing epoch (partition_owners.epoch) and `counter` a
 * per-partition count the owner keeps. Every owner of a partition has a larger epoch than the one
 * before, so lease ids increase per partition across owners without AUTO_INCREMENT.
 *
 * `claim_leases.lease_id` is a signed BIGINT, so the epoch must be below 2³¹ and the counter below
 * 2³²: the largest id is 2⁶³ − 1. Ids are `bigint`: above 2⁵³ a JS number is no longer exact, and
 * every epoch from 2²¹ on gives such ids.
 */

/** Largest epoch a lease id can carry (the id's top 31 bits). */
export const MAX_LEASE_EPOCH = 2 ** 31 - 1;
/** Largest per-partition counter of one epoch (the id's low 32 bits). */
export const MAX_LEASE_COUNTER = 2 ** 32 - 1;

const COUNTER_BITS = 32n;
const COUNTER_MASK = (1n << COUNTER_BITS) - 1n;
/** Largest signed BIGINT, the largest lease id. */
const MAX_LEASE_ID = (1n << 63n) - 1n;

/** The lease id of an owner's `counter`-th lease under `epoch`; RangeError when either does not fit. */
export function leaseIdOf(epoch: number, counter: number): bigint {
  checkPart('epoch', epoch, MAX_LEASE_EPOCH);
  checkPart('counter', counter, MAX_LEASE_COUNTER);
  return (BigInt(epoch) << COUNTER_BITS) | BigInt(counter);
}

/** The epoch a lease id carries (its owner's). */
export function epochOfLeaseId(leaseId: bigint): number {
  checkLeaseId(leaseId);
  return Number(leaseId >> COUNTER_BITS);
}

/** The per-partition counter a lease id carries. */
export function counterOfLeaseId(leaseId: bigint): number {
  checkLeaseId(leaseId);
  return Number(leaseId & COUNTER_MASK);
}

/** RangeError unless `leaseId` is a lease id (0 … 2⁶³ − 1). */
export function checkLeaseId(leaseId: bigint): void {
  if (typeof leaseId !== 'bigint' || leaseId < 0n || leaseId > MAX_LEASE_ID) {
    throw new RangeError(`claim lease id must be a bigint in 0 … 2^63-1, got ${String(leaseId)}`);
  }
}

function checkPart(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`claim lease ${name} must be an integer in 0 … ${max}, got ${value}`);
  }
}
