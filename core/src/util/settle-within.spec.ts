import { settleWithin } from './settle-within';

describe('settleWithin', () => {
  it('is true when the work resolves or rejects in time', async () => {
    expect(await settleWithin(Promise.resolve(1), 1000)).toBe(true);
    expect(await settleWithin(Promise.reject(new Error('x')), 1000)).toBe(true);
  });

  it('is false when the time runs out first, and leaves no timer behind', async () => {
    let release: () => void = () => undefined;
    const never = new Promise<void>((resolve) => {
      release = resolve;
    });
    const started = Date.now();
    expect(await settleWithin(never, 30)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    release();
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    expect(await settleWithin(Promise.resolve(), 60_000)).toBe(true);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
  });
});
