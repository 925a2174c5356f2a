import { pickRandom, shuffled } from './shuffle';

describe('shuffled / pickRandom', () => {
  it('shuffles every element into a new array, and picks with the injected random', () => {
    const items = [1, 2, 3, 4];
    expect(shuffled(items).sort()).toEqual([1, 2, 3, 4]);
    expect(shuffled(items, () => 0)).toEqual([2, 3, 4, 1]);
    expect(items).toEqual([1, 2, 3, 4]);
    expect(pickRandom(items, () => 0.99)).toBe(4);
    expect(pickRandom([], () => 0)).toBeUndefined();
  });
});
