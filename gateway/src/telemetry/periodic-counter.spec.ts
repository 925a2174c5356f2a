import { PeriodicCounter } from './periodic-counter';

interface Item {
  readonly key: string;
  readonly value: number | Error;
}

function counterOf(rounds: Item[][], concurrency = 2): { counter: PeriodicCounter<Item, number>; failed: string[]; inFlightMax: () => number } {
  const failed: string[] = [];
  let inFlight = 0;
  let max = 0;
  let round = 0;
  const counter = new PeriodicCounter<Item, number>({
    plan: () => rounds[round++] ?? [],
    keyOf: (item) => item.key,
    count: async (item) => {
      inFlight++;
      max = Math.max(max, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      if (item.value instanceof Error) throw item.value;
      return item.value;
    },
    failed: (item) => failed.push(item.key),
    concurrency,
  });
  return { counter, failed, inFlightMax: () => max };
}

it('replaces the values each round, keeps the previous value of a failed count and drops unplanned keys', async () => {
  const { counter, failed } = counterOf([
    [{ key: 'a', value: 1 }, { key: 'b', value: 2 }, { key: 'c', value: 3 }],
    [{ key: 'a', value: new Error('down') }, { key: 'b', value: 20 }, { key: 'd', value: new Error('down') }],
  ]);
  await counter.sample();
  expect([...counter.current]).toEqual([['a', 1], ['b', 2], ['c', 3]]);
  await counter.sample();
  expect(new Map(counter.current)).toEqual(new Map([['a', 1], ['b', 20]]));
  expect(failed).toEqual(['a', 'd']);
});

it('keeps at most `concurrency` counts in flight', async () => {
  const { counter, inFlightMax } = counterOf([Array.from({ length: 9 }, (_, i) => ({ key: `k${i}`, value: i }))], 3);
  await counter.sample();
  expect(counter.current.size).toBe(9);
  expect(inFlightMax()).toBe(3);
});

it('counts at start; after close it starts no count and keeps the last values', async () => {
  const { counter } = counterOf([[{ key: 'a', value: 1 }], [{ key: 'a', value: 2 }], [{ key: 'a', value: 3 }]]);
  counter.start((tick) => setInterval(tick, 60_000));
  await counter.sample();
  expect([...counter.current]).toEqual([['a', 2]]);
  await counter.close();
  await counter.sample();
  expect([...counter.current]).toEqual([['a', 2]]);
});
