import { fakeTime } from '../../../test/support/fake-time';
import { SlidingWindowCounter } from './sliding-window-counter';

function counter(maxKeys = 10) {
  const time = fakeTime({ startMs: 1_000_000 });
  return { time, window: new SlidingWindowCounter({ windowMs: 60_000, bucketMs: 1000, maxKeys, clock: time.clock }) };
}

it('sums what was added within the last 60 s, per key, and reads it per second', () => {
  const { time, window } = counter();
  window.add('a', 30);
  time.advance(30_000);
  window.add('a', 60);
  window.add('b', 6);
  expect(window.total('a')).toBe(90);
  expect(window.perSecond('a')).toBe(1.5);
  expect(window.total('b')).toBe(6);
  expect(window.total('never')).toBe(0);
});

it('forgets events once they are older than the window, also after long idle laps of the ring', () => {
  const { time, window } = counter();
  window.add('a', 10);
  time.advance(59_000);
  expect(window.total('a')).toBe(10);
  time.advance(1000);
  expect(window.total('a')).toBe(0);
  window.add('a', 1);
  time.advance(3 * 60_000 + 500); // the ring went round three times: its slot stamps are stale
  window.add('a', 2);
  expect(window.total('a')).toBe(2);
});

it('ignores zero and negative counts (a dequeue that returned nothing)', () => {
  const { window } = counter();
  window.add('a', 0);
  window.add('a', -3);
  expect(window.total('a')).toBe(0);
  expect(window.size).toBe(0);
});

it('holds at most maxKeys keys, forgetting the least recently counted one', () => {
  const { window } = counter(3);
  for (const key of ['a', 'b', 'c']) window.add(key, 1);
  window.add('a', 1); // a is the most recent now: b is the oldest
  window.add('d', 1);
  expect(window.size).toBe(3);
  expect(['a', 'b', 'c', 'd'].map((k) => window.total(k))).toEqual([2, 0, 1, 1]);
  for (let i = 0; i < 1000; i++) window.add(`k${i}`, 1);
  expect(window.size).toBe(3);
});
