import { systemClock } from '../util/clock';
import { ShadowComparator, type ReadComparison } from './shadow-comparison';
import { diffCount } from './shadow-fields';
import { NO_SHADOW_OBSERVER } from './shadow-observer';
import { ShadowStatistics } from './shadow-statistics';

const options = { relativeThresholdPercent: 20, absoluteThresholdPercent: 0.03, maxQueues: 10, samplesPerQueue: 3, sampleValueChars: 50 };

function setup(): { stats: ShadowStatistics; comparator: ShadowComparator; secondaryCalls: () => number; count: (primary: number, candidate: number, ignoredByRule?: boolean) => ReadComparison<number> } {
  const stats = new ShadowStatistics(options);
  let secondaries = 0;
  const count = (primary: number, candidate: number, ignoredByRule?: boolean): ReadComparison<number> => ({
    queue: 'q', method: 'getJobCount', primary, diff: diffCount,
    candidate: () => Promise.resolve(candidate),
    secondary: () => {
      secondaries += 1;
      return Promise.resolve(primary);
    },
    ...(ignoredByRule === undefined ? {} : { ignoredByRule }),
  });
  return { stats, comparator: new ShadowComparator(stats, NO_SHADOW_OBSERVER, systemClock), secondaryCalls: () => secondaries, count };
}

describe('ShadowComparator: comparisons ignored by rule', () => {
  it('classifies them ignored, equal or not, without samples, flagged fields or noise; other comparisons are still judged', async () => {
    const { stats, comparator, secondaryCalls, count } = setup();
    expect(await comparator.compareRead(count(0, 30, true))).toBe('ignored'); // IN_PROGRESS: the drainer holds other copies
    expect(await comparator.compareRead(count(5, 5, true))).toBe('ignored');
    expect(secondaryCalls()).toBe(0);
    expect(stats.report('q')).toMatchObject({ samples: [], methods: [{ method: 'getJobCount', ignored: 2, matched: 0, mismatched: 0, noiseMatched: 0, noiseMismatched: 0, fields: [] }] });
    expect(await comparator.compareRead(count(76, 12))).toBe('mismatched');
    expect(secondaryCalls()).toBe(1);
  });

  it('still counts a candidate failure as candidate_error', async () => {
    const { comparator, count } = setup();
    const failing: ReadComparison<number> = { ...count(1, 1, true), candidate: () => Promise.reject(new Error('down')) };
    expect(await comparator.compareRead(failing)).toBe('candidate_error');
  });
});
