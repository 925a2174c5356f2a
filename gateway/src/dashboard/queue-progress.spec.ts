import { SERIES } from './history-points';
import { copyProgress, modeChanges } from './queue-progress';

const MODES = ['legacy', 'shadow', 'migrating', 'pacer'];

describe('queue progress', () => {
  it('lists each mode change of the mode series', () => {
    const window = { times: [1, 2, 3, 4, 5], series: { [SERIES.mode]: [0, 0, null, 1, 2] } };
    expect(modeChanges(window, MODES)).toEqual([{ atMs: 1, mode: 'legacy' }, { atMs: 4, mode: 'shadow' }, { atMs: 5, mode: 'migrating' }]);
  });

  it('measures the leaving side since the migration started: share done, rate of decrease and ETA', () => {
    const times = [0, 5000, 10_000, 15_000, 20_000, 25_000];
    const window = { times, series: { [SERIES.mode]: [0, 2, 2, 2, 2, 2], [SERIES.backlog('redis-a')]: [500, 100, 90, 80, 70, 60] } };
    const p = copyProgress(window, { leaving: 'redis-a', arriving: 'pacer' }, 2);
    expect(p).toMatchObject({ leaving: 'redis-a', backlog: 60, initialBacklog: 100, progress: 0.4 });
    expect(p.ratePerSecond).toBeCloseTo(2, 5);
    expect(p.etaSeconds).toBeCloseTo(30, 5);
  });

  it('has no ETA while the leaving side does not shrink, and none without samples', () => {
    const flat = { times: [0, 1000], series: { [SERIES.mode]: [2, 2], [SERIES.backlog('pacer')]: [7, 9] } };
    expect(copyProgress(flat, { leaving: 'pacer', arriving: 'redis-a' }, 2).etaSeconds).toBeNull();
    expect(copyProgress({ times: [], series: {} }, { leaving: 'x', arriving: 'pacer' }, 2)).toMatchObject({ backlog: null, progress: null, etaSeconds: null });
  });
});
