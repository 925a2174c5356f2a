import { isFlagged } from './noise-verdict';

const DIFFY = { relativeThresholdPercent: 20, absoluteThresholdPercent: 0.03 };

describe('isFlagged (Diffy rule)', () => {
  it('flags a difference with no noise', () => {
    expect(isFlagged(1, 0, 1, DIFFY)).toBe(true);
  });

  it('never flags when the noise is as large as the raw differences', () => {
    expect(isFlagged(10, 10, 100, DIFFY)).toBe(false);
    expect(isFlagged(5, 9, 100, DIFFY)).toBe(false);
  });

  it('needs the relative threshold: 11 raw against 9 noise is 10 %', () => {
    expect(isFlagged(11, 9, 100, DIFFY)).toBe(false);
    expect(isFlagged(20, 9, 100, DIFFY)).toBe(true); // 11/29 = 38 %
  });

  it('needs the absolute threshold: 1 excess in 10,000 comparisons is 0.01 %', () => {
    expect(isFlagged(1, 0, 10_000, DIFFY)).toBe(false);
    expect(isFlagged(4, 0, 10_000, DIFFY)).toBe(true); // 0.04 %
  });

  it('takes the thresholds from the settings', () => {
    expect(isFlagged(3, 1, 10, { relativeThresholdPercent: 60, absoluteThresholdPercent: 0 })).toBe(false); // 50 %
    expect(isFlagged(3, 1, 10, { relativeThresholdPercent: 40, absoluteThresholdPercent: 0 })).toBe(true);
  });
});
