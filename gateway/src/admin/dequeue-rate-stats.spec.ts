import { MemoryStats, OVERFLOW_QUEUE_SERIES } from '../../../core/src/interfaces/stats';
import { fakeTime } from '../../../test/support/fake-time';
import { statNames } from '../stats/stat-names';
import { DequeueRateStats } from './dequeue-rate-stats';
import { SlidingWindowCounter } from './sliding-window-counter';

function statsOf() {
  const time = fakeTime({ startMs: 0 });
  const inner = new MemoryStats();
  const window = new SlidingWindowCounter({ windowMs: 60_000, bucketMs: 1000, maxKeys: 100, clock: time.clock });
  return { inner, window, stats: new DequeueRateStats(inner, window) };
}

it('passes every stat on unchanged', () => {
  const { inner, stats } = statsOf();
  stats.incr('x', 2);
  stats.metric('m', 5);
  stats.gauge('g', 7);
  expect(stats.queueSeries('q')).toBe('q');
  expect([inner.counter('x'), inner.metrics.get('m')?.sum, inner.gauges.get('g')]).toEqual([2, 5, 7]);
});

it('counts the jobs of `<series>_dequeue` in the window under the series, and nothing else', () => {
  const { inner, window, stats } = statsOf();
  stats.incr(statNames.dequeued('q'), 3);
  stats.incr(statNames.dequeued('q_dequeue'), 4); // a queue whose own name ends like the stat
  stats.incr(statNames.dequeued('q'), 0);
  stats.incr(statNames.rateLimited('q'));
  stats.incr(statNames.enqueued('q'), 9);
  stats.incr(statNames.dequeued(OVERFLOW_QUEUE_SERIES), 5);
  expect(window.total('q')).toBe(3);
  expect(window.total('q_dequeue')).toBe(4);
  expect(window.total(OVERFLOW_QUEUE_SERIES)).toBe(0);
  expect(inner.counter(statNames.dequeued('q'))).toBe(3);
});
