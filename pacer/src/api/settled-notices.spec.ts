import { MAX_NOTICES_IN_FLIGHT, MAX_SETTLED_PER_NOTICE, SettledNotices, type SettledRef } from './settled-notices';

function recorder(): { sent: Array<{ queue: string; refs: SettledRef[] }>; send: (queue: string, refs: SettledRef[]) => Promise<void> } {
  const sent: Array<{ queue: string; refs: SettledRef[] }> = [];
  return { sent, send: async (queue, refs) => { sent.push({ queue, refs }); } };
}

const refs = (from: number, n: number): SettledRef[] => Array.from({ length: n }, (_, i) => ({ partition: 0, id: from + i }));

describe('SettledNotices', () => {
  it('gathers settled jobs into one notice per queue after the delay', async () => {
    const r = recorder();
    const n = new SettledNotices(r.send, undefined, 5);
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
    const n = new SettledNotices(r.send, undefined, 60_000);
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
    }, undefined, 60_000);
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

  it('drops (and counts) what would pass MAX_NOTICES_IN_FLIGHT, a failed notice, and what comes after close()', async () => {
    const releases: Array<() => void> = [];
    let dropped = 0;
    const n = new SettledNotices(async (queue) => {
      await new Promise<void>((resolve) => releases.push(resolve));
      if (queue === 'bad') throw new Error('broker gone');
    }, (jobs) => { dropped += jobs; }, 60_000);
    for (let i = 0; i < MAX_NOTICES_IN_FLIGHT; i += 1) {
      n.add(i === 0 ? 'bad' : `q${i}`, refs(i * 10, 1));
      n.flush();
    }
    n.add('over', refs(100, 3));
    n.flush();
    expect(dropped).toBe(3);
    expect(releases).toHaveLength(MAX_NOTICES_IN_FLIGHT);
    const closed = n.close();
    for (const release of releases) release();
    await closed; // the failed notice resolves close() too: no unhandled rejection
    expect(dropped).toBe(4);
    n.add('late', refs(200, 2));
    expect(dropped).toBe(6);
    expect(releases).toHaveLength(MAX_NOTICES_IN_FLIGHT);
  });
});
