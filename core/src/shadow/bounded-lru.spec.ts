import { BoundedLru } from './bounded-lru';

describe('BoundedLru', () => {
  it('evicts the least recently used entry beyond its capacity', () => {
    const lru = new BoundedLru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1); // a is now the most recent
    lru.set('c', 3);
    expect(lru.has('b')).toBe(false);
    expect(lru.get('a')).toBe(1);
    expect(lru.get('c')).toBe(3);
    expect(lru.size).toBe(2);
  });

  it('replacing a key keeps one entry; take removes it', () => {
    const lru = new BoundedLru<string, number>(3);
    lru.set('a', 1);
    lru.set('a', 2);
    expect(lru.size).toBe(1);
    expect(lru.take('a')).toBe(2);
    expect(lru.take('a')).toBeUndefined();
    expect(lru.size).toBe(0);
  });

  it('agrees with a reference LRU over a long random run of gets, sets and takes', () => {
    const lru = new BoundedLru<number, number>(16);
    const reference: number[] = []; // keys, oldest first
    let seed = 7;
    const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let i = 0; i < 20_000; i++) {
      const key = next(40);
      const op = next(3);
      const at = reference.indexOf(key);
      if (op === 0) {
        expect(lru.get(key)).toBe(at >= 0 ? key : undefined);
        if (at >= 0) reference.push(...reference.splice(at, 1));
      } else if (op === 1) {
        lru.set(key, key);
        if (at >= 0) reference.splice(at, 1);
        reference.push(key);
        if (reference.length > 16) reference.shift();
      } else {
        expect(lru.take(key)).toBe(at >= 0 ? key : undefined);
        if (at >= 0) reference.splice(at, 1);
      }
      expect(lru.size).toBe(reference.length);
    }
    for (const key of reference) expect(lru.has(key)).toBe(true);
  });

  it('refuses a capacity below 1', () => {
    expect(() => new BoundedLru(0)).toThrow('positive integer');
  });
});
