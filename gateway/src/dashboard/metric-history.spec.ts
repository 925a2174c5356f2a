import { ALL_QUEUES, MetricHistory } from './metric-history';

const at = (values: Record<string, Record<string, number>>): Map<string, Map<string, number>> =>
  new Map(Object.entries(values).map(([q, v]) => [q, new Map(Object.entries(v))]));

describe('MetricHistory', () => {
  it('keeps the last `points` collections per series, oldest first, null where a series had no sample', () => {
    const h = new MetricHistory({ points: 3, maxSeries: 10, maxSeriesPerQueue: 10 });
    h.append(1000, at({ q: { backlog: 1 } }));
    h.append(2000, at({ q: { backlog: 2, 'lat:p50|x': 5 } }));
    h.append(3000, at({ q: {} }));
    h.append(4000, at({ q: { backlog: 4 } }));
    expect(h.window('q', 10)).toEqual({ times: [2000, 3000, 4000], series: { backlog: [2, null, 4], 'lat:p50|x': [5, null, null] } });
    expect(h.window('q', 2).times).toEqual([3000, 4000]);
    expect(h.latest('q', 'lat:p50|x')).toEqual({ value: 5, atMs: 2000 });
    expect(h.latest('q', 'lat:p50|x', 2)).toBeUndefined();
    expect(h.lastTime()).toBe(4000);
  });

  it('reads an absent rate as 0 (nothing happened), other series as no data', () => {
    const h = new MetricHistory({ points: 4, maxSeries: 10, maxSeriesPerQueue: 10 }, (name) => name.startsWith('rate:'));
    h.append(1, at({ [ALL_QUEUES]: { 'rate:enqueue|a': 3, backlog: 1 } }));
    h.append(2, at({}));
    expect(h.window(ALL_QUEUES, 4).series).toEqual({ 'rate:enqueue|a': [3, 0], backlog: [1, null] });
  });

  it('never holds more series than its limits, and counts the values it dropped', () => {
    const h = new MetricHistory({ points: 2, maxSeries: 3, maxSeriesPerQueue: 2 });
    h.append(1, at({ a: { s1: 1, s2: 1, s3: 1 }, b: { s1: 1, s2: 1 } }));
    expect(h.seriesTotal).toBe(3);
    expect(h.seriesNames('a')).toEqual(['s1', 's2']);
    expect(h.seriesNames('b')).toEqual(['s1']);
    expect(h.droppedValues).toBe(2);
  });
});
