import { MAX_SETTLED_PER_NOTICE, SettledNotices, type SettledRef } from './settled-notices';

function recorder(): { sent: Array<{ queue: string; refs: SettledRef[] }>; send: (queue: string, refs: SettledRef[]) => Promise<void> } {
  const sent: Array<{ queue: string; refs: SettledRef[] }> = [];
  return { sent, send: async (queue, refs) => { sent.push({ queue, refs }); } };
}

const refs = (from: number, n: number): SettledRef[] => Array.from({ length: n }, (_, i) => ({ partition: 0, id: from + i }));

describe('SettledNotices', () => {
  it('gathers settled jobs into one notice per queue after the delay', async () => {
    const r = recorder();
    const n = new SettledNotices(r.send, 5);
    n.add('a', refs(1, 2));
    n.add('b', refs(10, 1));
    n.add('a', refs(3, 1));
    expect(r.sent).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(r.sent).toEqual([{ queue: 'a', refs: refs(1, 3) }, { queue: 'b', refs: refs(10, 1) }]);
    await n.close();
  });

  it('sends at once when a notice is full, in notices of at most MAX_SETTLED_PER_NOTICE', async () => {
    const r = recorder();
    const n = new SettledNotices(r.send, 60_000);
    n.add('a', refs(0, MAX_SETTLED_PER_NOTICE * 2 + 1));
    expect(r.sent.map((s) => s.refs.length)).toEqual([MAX_SETTLED_PER_NOTICE, MAX_SETTLED_PER_NOTICE, 1]);
    await n.close();
  });

  it('close() sends what is left and waits for every notice in flight', async () => {
    let release = (): void => undefined;
    const done: string[] = [];
    const n = new SettledNotices(async (queue) => {
      await new Promise<void>((resolve) => { release = resolve; });
      done.push(queue);
    }, 60_000);
    n.add('a', refs(1, 1));
    const closed = n.close();
    let finished = false;
    closed.then(() => { finished = true; }, () => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    expect(finished).toBe(false);
    release();
    await closed;
    expect(done).toEqual(['a']);
  });
});
