import { chance, jitteredGapMs, runAfterFor, splitAcks } from './demo-pacing';

const fixed = (value: number) => () => value;

describe('demo pacing', () => {
  it('spreads gaps around the mean rate as far as the jitter says', () => {
    expect(jitteredGapMs(4, 0, fixed(0.9))).toBe(250);
    expect(jitteredGapMs(4, 1, fixed(0))).toBe(0);
    expect(jitteredGapMs(4, 1, fixed(0.5))).toBe(250);
    expect(jitteredGapMs(4, 0.5, fixed(1))).toBe(375);
  });

  it('runs a share of jobs later, never beyond the maximum', () => {
    expect(runAfterFor(1000, 0, 5000, fixed(0))).toBeUndefined();
    expect(runAfterFor(1000, 1, 0, fixed(0.5))).toBeUndefined();
    expect(runAfterFor(1000, 0.5, 5000, fixed(0.2))).toBe(2000);
    expect(runAfterFor(1000, 0.5, 5000, fixed(0.7))).toBeUndefined();
  });

  it('fails the share of acks it is told to', () => {
    expect(chance(0, fixed(0))).toBe(false);
    expect(chance(1, fixed(0.999))).toBe(true);
    const values = [0.05, 0.5, 0.09, 0.95];
    let i = 0;
    expect(splitAcks(['a', 'b', 'c', 'd'], 0.1, () => values[i++] as number)).toEqual({ succeeded: ['b', 'd'], failed: ['a', 'c'] });
  });
});
