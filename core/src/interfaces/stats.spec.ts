import { MemoryStats, OVERFLOW_QUEUE_SERIES, QUEUE_SERIES_OVERFLOW_STAT } from './stats';

describe('MemoryStats.queueSeries', () => {
  it('gives admitted queues their own series and everything else the overflow series', () => {
    const stats = new MemoryStats({ admitQueue: (q) => q.startsWith('real') });
    expect(stats.queueSeries('real_1')).toBe('real_1');
    expect(stats.queueSeries('made_up')).toBe(OVERFLOW_QUEUE_SERIES);
    expect(stats.counter(QUEUE_SERIES_OVERFLOW_STAT)).toBe(1);
  });

  it('never holds more than maxQueueSeries queues, even if all are admitted', () => {
    const stats = new MemoryStats({ maxQueueSeries: 3 });
    const labels = ['a', 'b', 'c', 'd', 'e', 'a'].map((q) => stats.queueSeries(q));
    expect(labels).toEqual(['a', 'b', 'c', OVERFLOW_QUEUE_SERIES, OVERFLOW_QUEUE_SERIES, 'a']);
  });

  it('keeps a queue once admitted, whatever the rule says later', () => {
    const stats = new MemoryStats();
    expect(stats.queueSeries('q')).toBe('q');
    stats.setQueueAdmission(() => false);
    expect(stats.queueSeries('q')).toBe('q');
    expect(stats.queueSeries('r')).toBe(OVERFLOW_QUEUE_SERIES);
  });
});
