import { counterOfLeaseId, epochOfLeaseId, leaseIdOf, MAX_LEASE_COUNTER, MAX_LEASE_EPOCH } from './claim-lease-id';

const TWO_32 = 2n ** 32n;

describe('leaseIdOf', () => {
  it('is epoch · 2^32 + counter, exactly, up to the largest signed BIGINT', () => {
    expect(leaseIdOf(0, 0)).toBe(0n);
    expect(leaseIdOf(0, 1)).toBe(1n);
    expect(leaseIdOf(1, 0)).toBe(TWO_32);
    expect(leaseIdOf(1, MAX_LEASE_COUNTER)).toBe(2n * TWO_32 - 1n);
    expect(leaseIdOf(2 ** 21, 1)).toBe(2n ** 53n + 1n); // past Number.MAX_SAFE_INTEGER: a number would round it
    expect(leaseIdOf(MAX_LEASE_EPOCH, MAX_LEASE_COUNTER)).toBe(2n ** 63n - 1n);
  });

  it('increases across epochs: the first lease of a newer epoch is above every lease of the older one', () => {
    expect(leaseIdOf(7, 0)).toBeGreaterThan(leaseIdOf(6, MAX_LEASE_COUNTER));
    expect(leaseIdOf(7, 1)).toBeGreaterThan(leaseIdOf(7, 0));
  });

  it.each([
    ['epoch', 2 ** 31, 0],
    ['epoch', -1, 0],
    ['epoch', 1.5, 0],
    ['epoch', Number.NaN, 0],
    ['epoch', Number.POSITIVE_INFINITY, 0],
    ['counter', 1, 2 ** 32],
    ['counter', 1, -1],
    ['counter', 1, 0.5],
    ['counter', 1, Number.NaN],
  ])('refuses a %s that does not fit (epoch %p, counter %p)', (name, epoch, counter) => {
    expect(() => leaseIdOf(epoch, counter)).toThrow(RangeError);
    expect(() => leaseIdOf(epoch, counter)).toThrow(`claim lease ${name} must be an integer`);
  });

  it('epochOfLeaseId and counterOfLeaseId take an id apart again', () => {
    for (const [epoch, counter] of [[0, 0], [1, 0], [3, 17], [2 ** 21, 1], [MAX_LEASE_EPOCH, MAX_LEASE_COUNTER]] as const) {
      const id = leaseIdOf(epoch, counter);
      expect([epochOfLeaseId(id), counterOfLeaseId(id)]).toEqual([epoch, counter]);
    }
  });

  it('refuses ids outside 0 … 2^63-1', () => {
    expect(() => epochOfLeaseId(-1n)).toThrow(RangeError);
    expect(() => epochOfLeaseId(2n ** 63n)).toThrow(RangeError);
    expect(() => counterOfLeaseId(2n ** 63n)).toThrow(RangeError);
  });
});
