import { OVERFLOW_QUEUE_SERIES } from '../interfaces/stats';
import { BoundedQueueLabels } from './bounded-queue-labels';

describe('BoundedQueueLabels', () => {
  it('gives the first max queues their own label and the rest the overflow series, for good', () => {
    const labels = new BoundedQueueLabels(2, (q) => q);
    expect(['a', 'b', 'c', 'a', 'b', 'c'].map((q) => labels.label(q))).toEqual(['a', 'b', OVERFLOW_QUEUE_SERIES, 'a', 'b', OVERFLOW_QUEUE_SERIES]);
  });

  it('keeps what the stats put in the overflow series there, without using a place', () => {
    const labels = new BoundedQueueLabels(1, (q) => (q.startsWith('x') ? OVERFLOW_QUEUE_SERIES : q));
    expect(labels.label('x1')).toBe(OVERFLOW_QUEUE_SERIES);
    expect(labels.label('a')).toBe('a');
  });

  it('with max 0 labels every queue as the overflow series', () => {
    expect(new BoundedQueueLabels(0, (q) => q).label('a')).toBe(OVERFLOW_QUEUE_SERIES);
  });
});
