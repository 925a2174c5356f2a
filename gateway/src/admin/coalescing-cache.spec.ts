import { fakeTime } from '../../../test/support/fake-time';
import { CoalescingCache } from './coalescing-cache';

function cacheOf(maxKeys = 10) {
  const time = fakeTime({ startMs: 5000 });
  let loads = 0;
  const cache = new CoalescingCache<string>({ ttlMs: 1000, maxKeys, clock: time.clock });
  const load = (value: string) => () => {
    loads++;
    return Promise.resolve(`${value}#${loads}`);
  };
  return { time, cache, load, loads: () => loads };
}

/** A load the test finishes. */
function heldLoad(): { load: () => Promise<string>; release: (value: string) => void; started: () => number } {
  let started = 0;
  let release: (value: string) => void = () => undefined;
  const pending = new Promise<string>((resolve) => (release = resolve));
  return { load: () => { started++; return pending; }, release: (v) => release(v), started: () => started };
}

it('reuses an answer for ttlMs after it settled, then loads again', async () => {
  const { time, cache, load, loads } = cacheOf();
  expect(await cache.get('q', load('x'))).toBe('x#1');
  time.advance(999);
  expect(await cache.get('q', load('x'))).toBe('x#1');
  time.advance(1);
  expect(await cache.get('q', load('x'))).toBe('x#2');
  expect(loads()).toBe(2);
});

it('counts the ttl from when the load settled, not from when it started', async () => {
  const { time, cache } = cacheOf();
  const held = heldLoad();
  const first = cache.get('q', held.load);
  time.advance(5000); // a slow backend
  held.release('slow');
  expect(await first).toBe('slow');
  time.advance(999);
  expect(await cache.get('q', () => Promise.resolve('new'))).toBe('slow');
});

it('lets callers that ask while a load is in flight share it (one load)', async () => {
  const { cache } = cacheOf();
  const held = heldLoad();
  const answers = Array.from({ length: 25 }, () => cache.get('q', held.load));
  expect(held.started()).toBe(1);
  held.release('shared');
  expect(await Promise.all(answers)).toEqual(Array(25).fill('shared'));
});

it('keeps a failed load for ttlMs too, so a failing backend is not asked again at once', async () => {
  const { time, cache } = cacheOf();
  let loads = 0;
  const failing = (): Promise<string> => {
    loads++;
    return Promise.reject(new Error('down'));
  };
  await expect(cache.get('q', failing)).rejects.toThrow('down');
  await expect(cache.get('q', failing)).rejects.toThrow('down');
  expect(loads).toBe(1);
  time.advance(1000);
  await expect(cache.get('q', failing)).rejects.toThrow('down');
  expect(loads).toBe(2);
});

it('keys are separate', async () => {
  const { cache, load } = cacheOf();
  expect(await cache.get('a', load('a'))).toBe('a#1');
  expect(await cache.get('b', load('b'))).toBe('b#2');
  expect(await cache.get('a', load('a'))).toBe('a#1');
});

it('holds at most maxKeys keys, forgetting the least recently used one (whose next caller loads again)', async () => {
  const { cache, load, loads } = cacheOf(3);
  for (const key of ['a', 'b', 'c']) await cache.get(key, load(key));
  await cache.get('a', load('a')); // a is the most recent now: b is the oldest
  await cache.get('d', load('d'));
  expect(cache.size).toBe(3);
  expect(loads()).toBe(4);
  expect(await cache.get('a', load('a'))).toBe('a#1');
  expect(await cache.get('b', load('b'))).toBe('b#5');
  for (let i = 0; i < 500; i++) await cache.get(`k${i}`, load('k'));
  expect(cache.size).toBe(3);
});
