import { formatPacerDescriptor } from '../descriptors/pacer-descriptor';
import { PER_JOB_CLAIM, ServedClaims } from './served-claims';

const ref = (id: number, priority = 1) => ({ queue: 'q', partition: 2, priority, id });
const served = (id: number, priority = 1) => ({ descriptor: formatPacerDescriptor(ref(id, priority)) });

describe('ServedClaims', () => {
  it('gives each served job its lease once, by the whole descriptor', () => {
    const s = new ServedClaims();
    s.remember([served(1), served(2)], [10n, 11n]);
    expect(s.take(ref(2, 2))).toBeUndefined(); // another priority names another job
    expect(s.take(ref(2))).toBe(11n);
    expect(s.take(ref(2))).toBeUndefined();
    expect(s.take({ ...ref(1), queue: 'other' })).toBeUndefined();
    expect(s.take(ref(1))).toBe(10n);
  });

  it('finds a job by the text its ack echoed, and by the canonical form of text written otherwise; once either way', () => {
    const s = new ServedClaims();
    s.remember([served(1), served(2), served(3)], [10n, 11n, 12n]);
    expect(s.take(ref(1), served(1).descriptor)).toBe(10n);
    expect(s.take(ref(1), served(1).descriptor)).toBeUndefined();
    expect(s.take(ref(1))).toBeUndefined();
    // the same job written another way (a zero-padded id): not the broker's text, found by its parse
    const padded = served(2).descriptor.replace(/:2$/, ':02');
    expect(padded).not.toBe(served(2).descriptor);
    expect(s.take(ref(2), padded)).toBe(11n);
    expect(s.take(ref(2), served(2).descriptor)).toBeUndefined();
    // text that is no key: the ref decides
    expect(s.take(ref(3), 'not a descriptor')).toBe(12n);
  });

  it('remembers the jobs of a reply without lease ids as claimed per job (lease id 0 too)', () => {
    const s = new ServedClaims();
    s.remember([served(1), served(2)], undefined);
    s.remember([served(3)], [0n]);
    expect(s.take(ref(1))).toBe(PER_JOB_CLAIM);
    expect(s.take(ref(2))).toBe(PER_JOB_CLAIM);
    expect(s.take(ref(3))).toBe(PER_JOB_CLAIM);
    expect(s.take(ref(1))).toBeUndefined();
  });

  it('ignores a reply whose lease ids do not match its jobs, and negative lease ids', () => {
    const s = new ServedClaims();
    s.remember([served(1), served(2)], [5n]);
    s.remember([served(3)], [-1n]);
    expect(s.size).toBe(0);
  });

  it('keeps lease ids past 2^53 exact', () => {
    const s = new ServedClaims();
    const big = (1n << 60n) + 7n;
    s.remember([served(1)], [big]);
    expect(s.take(ref(1))).toBe(big);
  });

  it('is bounded: the oldest entries go first, and a job served again is the newest', () => {
    const s = new ServedClaims(3);
    s.remember([served(1), served(2), served(3)], [1n, 2n, 3n]);
    s.remember([served(1)], [4n]); // served again: newest
    s.remember([served(5)], [5n]);
    expect(s.size).toBe(3);
    expect(s.take(ref(2))).toBeUndefined();
    expect(s.take(ref(1))).toBe(4n);
    expect(s.take(ref(3))).toBe(3n);
    expect(s.take(ref(5))).toBe(5n);
  });

  it('stays at its bound under a flood of served jobs', () => {
    const s = new ServedClaims(100);
    for (let i = 1; i <= 10_000; i += 1) s.remember([served(i)], [BigInt(i)]);
    expect(s.size).toBe(100);
    expect(s.take(ref(10_000))).toBe(10_000n);
    expect(s.take(ref(9_900))).toBeUndefined();
  });
});
