import { ShadowStatistics } from './shadow-statistics';

const options = { relativeThresholdPercent: 20, absoluteThresholdPercent: 0.03, maxQueues: 2, samplesPerQueue: 3, sampleValueChars: 50 };
const count = (p: number, c: number) => [{ field: 'count', primary: String(p), candidate: String(c) }];

describe('ShadowStatistics', () => {
  it('matched without differences; mismatched (and sampled) for a difference above the noise', () => {
    const stats = new ShadowStatistics(options);
    expect(stats.compare('q', 'getJobCount', [], [], 0)).toBe('matched');
    expect(stats.compare('q', 'getJobCount', count(1, 2), [], 1000)).toBe('mismatched');
    const report = stats.report('q');
    expect(report?.methods[0]).toMatchObject({ method: 'getJobCount', matched: 1, mismatched: 1, noiseMatched: 2 });
    expect(report?.methods[0]?.fields).toEqual([{ field: 'count', raw: 1, noise: 0, flagged: true }]);
    expect(report?.samples).toHaveLength(1);
  });

  it('ignores a difference within the noise floor (the primary differs from itself as often)', () => {
    const stats = new ShadowStatistics(options);
    expect(stats.compare('q', 'getJobCount', count(1, 2), count(1, 3), 0)).toBe('ignored');
    expect(stats.report('q')?.methods[0]).toMatchObject({ ignored: 1, noiseMismatched: 1, fields: [{ field: 'count', raw: 1, noise: 1, flagged: false }] });
    expect(stats.report('q')?.samples).toEqual([]);
  });

  it('ignores benign differences (jobs in flight) without counting them against the field', () => {
    const stats = new ShadowStatistics(options);
    expect(stats.compare('q', 'lookupJobs', [{ field: 'state', primary: 'IN_PROGRESS', candidate: 'PENDING', benign: true }], [], 0)).toBe('ignored');
    expect(stats.report('q')?.methods[0]?.fields).toEqual([]);
  });

  it('counts errors, drops, copies and drains', () => {
    const stats = new ShadowStatistics(options);
    stats.failed('q', 'enqueueJobs', 'candidate');
    stats.failed('q', 'enqueueJobs', 'primary');
    stats.dropped('q');
    stats.copied('q', 3);
    stats.drained('q', 2);
    expect(stats.report('q')).toMatchObject({ dropped: 1, jobsCopied: 3, jobsDrained: 2, methods: [{ candidateErrors: 1, primaryErrors: 1 }] });
  });

  it('keeps at most maxQueues queues by name; later ones share an unlisted tally', () => {
    const stats = new ShadowStatistics(options);
    for (const q of ['a', 'b', 'c', 'd']) stats.compare(q, 'getJobCount', [], [], 0);
    expect(stats.queues()).toEqual(['a', 'b']);
    expect(stats.report('c')).toBeUndefined();
    expect(stats.flaggedFields().map((f) => f.queue)).toContain('other-queues');
  });
  it('after a copy was shed, ignores whole-queue comparisons (not counting their raw differences) until the session ends', () => {
    const stats = new ShadowStatistics(options);
    expect(stats.compare('q', 'getJobCount', [], [], 0)).toBe('matched');
    stats.copyShed('q', Date.UTC(2024, 0, 2));
    stats.copyShed('q', Date.UTC(2024, 0, 3));
    expect(stats.copyIncomplete('q', 'scanJobs')).toBe(true);
    expect(stats.copyIncomplete('q', 'lookupJobs')).toBe(false);
    expect(stats.compare('q', 'getJobCount', count(5, 4), [], 1)).toBe('ignored');
    expect(stats.compare('q', 'scanJobs', count(5, 4), [], 1)).toBe('ignored');
    expect(stats.compare('q', 'dequeueJobs', count(5, 4), [], 1)).toBe('ignored');
    expect(stats.compare('q', 'enqueueJobs', count(1, 2), undefined, 1)).toBe('mismatched');
    const report = stats.report('q');
    expect(report).toMatchObject({ copiesShed: 2, copyIncompleteSince: '2024-01-02T00:00:00.000Z' });
    expect(report?.methods.find((m) => m.method === 'getJobCount')).toMatchObject({ matched: 1, ignored: 1, noiseMatched: 2, fields: [] });
    expect(report?.samples.map((s) => s.method)).toEqual(['enqueueJobs']);
    stats.sessionEnded('q');
    stats.sessionEnded('never-seen');
    expect(stats.queues()).toEqual(['q']);
    expect(stats.report('q')).toMatchObject({ copiesShed: 2 });
    expect(stats.report('q')?.copyIncompleteSince).toBeUndefined();
    expect(stats.compare('q', 'getJobCount', count(5, 4), [], 2)).toBe('mismatched');
  });
});
