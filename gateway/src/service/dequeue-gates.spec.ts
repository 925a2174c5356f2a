import { MemoryStats } from '../../../core/src/interfaces/stats';
import { DequeueGates } from './dequeue-gates';

/** Runs a dequeue that holds its permit until `release()`; resolves once it holds it. */
async function held(gates: DequeueGates, queue: string): Promise<{ done: Promise<void>; release: () => void }> {
  let release!: () => void;
  let started!: () => void;
  const running = new Promise<void>((r) => (started = r));
  const done = gates.run(queue, () => {
    started();
    return new Promise<void>((r) => (release = r));
  });
  await running;
  return { done, release };
}

describe('DequeueGates', () => {
  it('holds a semaphore only while dequeues of that queue run or wait', async () => {
    const gates = new DequeueGates(1, 10, new MemoryStats());
    const first = await held(gates, 'q');
    const second = gates.run('q', async () => 'second');
    expect(gates.size).toBe(1);
    first.release();
    await first.done;
    expect(await second).toBe('second');
    expect(gates.size).toBe(0);
    for (let i = 0; i < 100; i++) await gates.run(`made_up_${i}`, async () => undefined);
    expect(gates.size).toBe(0);
  });

  it('still limits concurrency per queue and rejects past the waiters bound', async () => {
    const gates = new DequeueGates(1, 1, new MemoryStats());
    const running = await held(gates, 'q');
    const waiting = gates.run('q', async () => 'waited');
    await expect(gates.run('q', async () => 'third')).rejects.toThrow('Max waiters exceeded');
    running.release();
    await running.done;
    expect(await waiting).toBe('waited');
  });
});
