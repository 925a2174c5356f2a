import { etaSeconds, formatDuration, progressLine, RateMeter, redrawn, remainingSeconds, type ProgressSnapshot } from './migration-progress';

const base: ProgressSnapshot = {
  queue: 'q', moved: 1234, planned: 5000, measuredRatePerS: 850, rateLimitPerS: 2000, status: 'copying', paused: false, sourceEmptyForMs: undefined,
};

describe('formatDuration', () => {
  it.each([
    [0, '0s'], [45, '45s'], [59.4, '59s'], [60, '1m00s'], [266, '4m26s'], [3599, '59m59s'], [3600, '1h00m'], [7500, '2h05m'], [86_400 + 4 * 3600, '1d04h'],
  ])('%s s is %s', (s, text) => {
    expect(formatDuration(s)).toBe(text);
  });

  it('is - when unknown or nonsense', () => {
    expect([undefined, Number.NaN, Number.POSITIVE_INFINITY, -1].map(formatDuration)).toEqual(['-', '-', '-', '-']);
  });
});

describe('etaSeconds', () => {
  it('rounds up the time to move what remains at the rate', () => {
    expect(etaSeconds(3766, 850)).toBe(5);
    expect(etaSeconds(2000, 2000)).toBe(1);
  });

  it('is 0 when nothing remains (more moved than planned: late writes) and unknown without a rate', () => {
    expect(etaSeconds(0, undefined)).toBe(0);
    expect(etaSeconds(-5, 10)).toBe(0);
    expect(etaSeconds(10, undefined)).toBeUndefined();
    expect(etaSeconds(10, 0)).toBeUndefined();
  });
});

describe('remainingSeconds', () => {
  it('uses the measured rate, else the rate limit; unknown while paused or without a plan; 0 once done', () => {
    expect(remainingSeconds(base)).toBe(Math.ceil(3766 / 850));
    expect(remainingSeconds({ ...base, measuredRatePerS: undefined })).toBe(Math.ceil(3766 / 2000));
    expect(remainingSeconds({ ...base, paused: true })).toBeUndefined();
    expect(remainingSeconds({ ...base, planned: undefined })).toBeUndefined();
    expect(remainingSeconds({ ...base, status: 'complete' })).toBe(0);
  });
});

describe('progressLine', () => {
  it('shows moved of planned, the percentage, the measured rate, the ETA and the state', () => {
    expect(progressLine(base)).toBe('q  1,234 / 5,000 moved (24.7%)  850 jobs/s  ETA 5s  copying');
  });

  it('shows the rate limit before a rate is measured, and a paused or quiet state', () => {
    expect(progressLine({ ...base, measuredRatePerS: undefined, paused: true })).toBe('q  1,234 / 5,000 moved (24.7%)  limit 2,000 jobs/s  ETA -  copying, paused');
    expect(progressLine({ ...base, moved: 6000, sourceEmptyForMs: 4000 })).toBe('q  6,000 / 5,000 moved (100.0%)  850 jobs/s  ETA 0s  copying, source empty for 4s');
    expect(progressLine({ ...base, planned: undefined, status: 'complete' })).toBe('q  1,234 moved  850 jobs/s  ETA 0s  complete');
  });

  it('redraws in place on a terminal: carriage return and clear line first', () => {
    expect(redrawn('x')).toBe('\r\x1b[2Kx');
  });
});

describe('RateMeter', () => {
  it('is unknown until two samples a second apart, then jobs/s over the window', () => {
    const meter = new RateMeter(10_000);
    meter.add(0, 0);
    meter.add(500, 400);
    expect(meter.ratePerS()).toBeUndefined();
    meter.add(2000, 1000);
    expect(meter.ratePerS()).toBe(500);
  });

  it('forgets samples older than the window', () => {
    const meter = new RateMeter(5000);
    meter.add(0, 0);
    meter.add(1000, 10_000); // a burst long ago
    for (let t = 2000; t <= 12_000; t += 1000) meter.add(t, 10_000 + (t - 1000) / 10); // then 100 jobs/s
    expect(meter.ratePerS()).toBeCloseTo(100, 5);
  });

  it('starts again when the counter goes down (a new migration replaced the row)', () => {
    const meter = new RateMeter();
    meter.add(0, 5000);
    meter.add(1000, 6000);
    meter.add(2000, 10);
    expect(meter.ratePerS()).toBeUndefined();
    meter.add(3000, 110);
    expect(meter.ratePerS()).toBe(100);
  });
});
