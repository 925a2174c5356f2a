import { silentLogger } from '../../../core/src/logging/logger';
import { KnownQueues } from './known-queues';

function backendWith(lists: Array<Set<string> | Error>) {
  let calls = 0;
  let release: (() => void) | undefined;
  return {
    gate: undefined as Promise<void> | undefined,
    get calls() {
      return calls;
    },
    hold() {
      this.gate = new Promise((r) => (release = r));
    },
    release: () => release?.(),
    async getQueueNames(this: { gate?: Promise<void> }): Promise<Set<string>> {
      const next = lists[Math.min(calls++, lists.length - 1)] as Set<string> | Error;
      await this.gate;
      if (next instanceof Error) throw next;
      return new Set(next);
    },
  };
}

describe('KnownQueues', () => {
  it('reads the backend list at start and keeps it when a refresh fails', async () => {
    const backend = backendWith([new Set(['a', 'b']), new Error('down')]);
    const known = new KnownQueues(backend, 0, silentLogger());
    await known.start();
    expect([known.has('a'), known.has('c')]).toEqual([true, false]);
    await known.refresh();
    expect(known.has('b')).toBe(true);
    await known.close();
  });

  it('keeps creates and deletes made while a read is in flight', async () => {
    const backend = backendWith([new Set(['old'])]);
    const known = new KnownQueues(backend, 0, silentLogger());
    backend.hold();
    const reading = known.refresh();
    known.add('new');
    known.delete('old');
    backend.release();
    await reading;
    expect([known.has('new'), known.has('old')]).toEqual([true, false]);
    await known.close();
  });

  it('shares one read between concurrent refreshes', async () => {
    const backend = backendWith([new Set(['a'])]);
    const known = new KnownQueues(backend, 0, silentLogger());
    await Promise.all([known.refresh(), known.refresh(), known.refresh()]);
    expect(backend.calls).toBe(1);
    await known.close();
  });
});
