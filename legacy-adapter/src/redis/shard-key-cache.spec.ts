import { JobState } from '../../../core/src/types/job-state';
import { jobIdCounterKey, priorityKeys, stateZsetKey } from './keys';
import { ShardKeyCache } from './shard-key-cache';

describe('ShardKeyCache', () => {
  it('returns the keys of keys.ts, built once per (queue, priority)', () => {
    const cache = new ShardKeyCache('s1');
    const k = cache.priority('q', 2);
    expect(k).toEqual(priorityKeys('s1', 'q', 2));
    expect(k.pending).toBe(stateZsetKey('s1', 'q', 2, JobState.PENDING));
    expect(cache.priority('q', 2)).toBe(k);
    expect(cache.priority('q', 3)).toEqual(priorityKeys('s1', 'q', 3));
    expect(cache.idCounter('q')).toBe(jobIdCounterKey('s1', 'q'));
  });

  it('builds unusual priorities (from client descriptors) without caching them', () => {
    const cache = new ShardKeyCache('s1');
    for (const p of [0, -1, 17, 99999, 1.5]) expect(cache.priority('q', p)).toEqual(priorityKeys('s1', 'q', p));
  });
});
