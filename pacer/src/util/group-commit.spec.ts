import { GroupCommit } from './group-commit';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('GroupCommit', () => {
  it('runs up to maxInFlight batches at once and groups what waits behind them', async () => {
    const batches: number[][] = [];
    const gates: Array<ReturnType<typeof deferred>> = [];
    const group = new GroupCommit<number, string>(async (items) => {
      const n = batches.push(items);
      const gate = deferred();
      gates.push(gate);
      await gate.promise;
      return `batch-${n}`;
    }, 2);
    const results = [1, 2, 3, 4, 5].map((n) => group.submit(n));
    await Promise.resolve();
    await Promise.resolve();
    expect(batches).toEqual([[1], [2]]);
    gates[0]?.resolve();
    await expect(results[0]).resolves.toBe('batch-1');
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1], [2], [3, 4, 5]]);
    gates[1]?.resolve();
    gates[2]?.resolve();
    await expect(Promise.all(results)).resolves.toEqual(['batch-1', 'batch-2', 'batch-3', 'batch-3', 'batch-3']);
  });

  it('fails every member of a failed batch, and flushed() waits only for earlier submissions', async () => {
    const gate = deferred();
    let calls = 0;
    const group = new GroupCommit<number, void>(async () => {
      calls += 1;
      if (calls === 1) {
        await gate.promise;
        throw new Error('boom');
      }
    }, 1);
    const first = group.submit(1);
    const second = group.submit(2);
    const third = group.submit(3);
    let flushed = false;
    const flush = group.flushed().then(() => {
      flushed = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(flushed).toBe(false);
    gate.reject(new Error('boom'));
    await expect(first).rejects.toThrow('boom');
    await expect(Promise.all([second, third])).resolves.toEqual([undefined, undefined]);
    await flush;
    expect(flushed).toBe(true);
  });
});
