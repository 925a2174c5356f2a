import { backoffCeilingMs, backoffDelayMs } from './backoff';

const RULE = { initialDelayMs: 100, maxDelayMs: 1000 };

describe('worker backoff', () => {
  it('doubles the ceiling per step from initialDelayMs and caps it at maxDelayMs', () => {
    expect([0, 1, 2, 3, 4, 5, 60, 1e9].map((n) => backoffCeilingMs(RULE, n))).toEqual([100, 200, 400, 800, 1000, 1000, 1000, 1000]);
  });

  it('draws each wait from the upper half of its ceiling: [ceiling/2, ceiling)', () => {
    expect(backoffDelayMs(RULE, 0, () => 0)).toBe(50);
    expect(backoffDelayMs(RULE, 0, () => 0.5)).toBe(75);
    expect(backoffDelayMs(RULE, 0, () => 0.999999)).toBe(99);
    expect(backoffDelayMs(RULE, 3, () => 0)).toBe(400);
    expect(backoffDelayMs(RULE, 9, () => 0.999999)).toBe(999);
  });

  it('never leaves the band, even for a random source at its bounds', () => {
    for (const r of [0, 1, -1, 2]) {
      const d = backoffDelayMs(RULE, 2, () => r);
      expect(d).toBeGreaterThanOrEqual(200);
      expect(d).toBeLessThan(400);
    }
  });

  it('spreads workers that failed together (jitter): 1000 draws cover the band', () => {
    const draws = Array.from({ length: 1000 }, () => backoffDelayMs(RULE, 4));
    expect(Math.min(...draws)).toBeLessThan(550);
    expect(Math.max(...draws)).toBeGreaterThan(950);
    expect(new Set(draws).size).toBeGreaterThan(200);
  });

  it('grows with the step: the lowest wait of step n+1 is the highest ceiling/2 of step n', () => {
    for (let n = 0; n < 3; n++) expect(backoffDelayMs(RULE, n + 1, () => 0)).toBe(backoffCeilingMs(RULE, n));
  });
});
