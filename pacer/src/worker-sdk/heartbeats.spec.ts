import { silentLogger } from '../../../core/src/logging/logger';
import { eventually } from '../../../test/support/eventually';
import { Heartbeats } from './heartbeats';

/** A heartbeat sender the test controls: each call waits until the test answers it. */
function sender(): { calls: string[][]; answer: () => void; send: (d: string[]) => Promise<void> } {
  const calls: string[][] = [];
  const pending: Array<() => void> = [];
  return {
    calls,
    answer: () => pending.shift()?.(),
    send: (descriptors) => {
      calls.push([...descriptors].sort());
      return new Promise<void>((resolve) => pending.push(resolve));
    },
  };
}

describe('Heartbeats', () => {
  let now = 0;
  const clock = { nowMs: () => now };

  it('checkpoints, in one call, every job whose last beat is an interval old; short jobs never', async () => {
    const s = sender();
    const hb = new Heartbeats({ intervalMs: 100, send: s.send, clock, logger: silentLogger() });
    now = 1000;
    hb.add('a');
    hb.add('short');
    now = 1050;
    hb.add('b');
    await hb.remove('short');
    hb.start();
    now = 1100;
    await eventually(() => expect(s.calls).toEqual([['a']]));
    s.answer();
    now = 1150;
    await eventually(() => expect(s.calls).toEqual([['a'], ['b']]));
    s.answer();
    now = 1210;
    await eventually(() => expect(s.calls).toEqual([['a'], ['b'], ['a']]));
    s.answer();
    await hb.stop();
  });

  it('a job done while a heartbeat naming it is in flight waits for it (its ack must land after its last checkpoint)', async () => {
    const s = sender();
    const hb = new Heartbeats({ intervalMs: 40, send: s.send, clock, logger: silentLogger() });
    now = 0;
    hb.add('a');
    hb.add('b');
    hb.start();
    now = 40;
    await eventually(() => expect(s.calls).toHaveLength(1));
    let removed = false;
    const removal = hb.remove('a').then(() => {
      removed = true;
    });
    hb.add('c');
    await expect(hb.remove('c')).resolves.toBeUndefined(); // not in the call: at once
    await new Promise((resolve) => setImmediate(resolve));
    expect(removed).toBe(false);
    s.answer();
    await removal;
    expect(removed).toBe(true);
    await hb.stop();
  });

  it('an explicit checkpoint resets the job\'s clock; interval 0 sends nothing', async () => {
    const s = sender();
    const hb = new Heartbeats({ intervalMs: 100, send: s.send, clock, logger: silentLogger() });
    now = 0;
    hb.add('a');
    now = 90;
    hb.touch('a');
    hb.start();
    now = 150;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(s.calls).toEqual([]);
    now = 190;
    await eventually(() => expect(s.calls).toEqual([['a']]));
    s.answer();
    await hb.stop();
    const off = new Heartbeats({ intervalMs: 0, send: s.send, clock, logger: silentLogger() });
    off.add('x');
    off.start();
    now = 10_000;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(s.calls).toHaveLength(1);
    await off.stop();
  });
});
