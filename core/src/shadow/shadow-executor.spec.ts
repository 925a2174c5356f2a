import { silentLogger } from '../logging/logger';
import { ShadowExecutor, type ShadowDropReason, type ShadowExecutorOptions, type ShadowTaskKind } from './shadow-executor';

/** A promise its test settles by hand. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

let kinds: Array<[string, ShadowDropReason, ShadowTaskKind]> = [];

function executor(overrides: Partial<ShadowExecutorOptions> = {}): { exec: ShadowExecutor; drops: Array<[string, ShadowDropReason]> } {
  const drops: Array<[string, ShadowDropReason]> = [];
  kinds = [];
  const exec = new ShadowExecutor({
    maxPending: 10, maxConcurrency: 2, taskTimeoutMs: 10_000, maxAbandoned: 5, logger: silentLogger(),
    onDrop: (queue, reason, kind) => {
      drops.push([queue, reason]);
      kinds.push([queue, reason, kind]);
    },
    ...overrides,
  });
  return { exec, drops };
}

describe('ShadowExecutor', () => {
  it('starts work only after submit returned, on a later turn', async () => {
    const { exec } = executor();
    let started = false;
    expect(exec.submit('q', () => {
      started = true;
      return Promise.resolve();
    })).toBe(true);
    expect(started).toBe(false);
    await turn();
    expect(started).toBe(true);
    await exec.close(100);
  });

  it('runs at most maxConcurrency tasks at once and sheds beyond maxPending (queue_full)', async () => {
    const { exec, drops } = executor({ maxPending: 3, maxConcurrency: 2 });
    const g = gate();
    let running = 0;
    let peak = 0;
    const work = async (): Promise<void> => {
      running += 1;
      peak = Math.max(peak, running);
      await g.promise;
      running -= 1;
    };
    const accepted = [1, 2, 3, 4].map(() => exec.submit('q', work));
    expect(accepted).toEqual([true, true, true, false]);
    expect(drops).toEqual([['q', 'queue_full']]);
    await turn();
    expect(running).toBe(2);
    expect(exec.pending()).toBe(3);
    g.open();
    await exec.close(1000);
    expect(peak).toBe(2);
    expect(exec.pending()).toBe(0);
  });

  it('abandons a task past its timeout, counts it, and sheds while too many are abandoned (overloaded)', async () => {
    const { exec, drops } = executor({ taskTimeoutMs: 20, maxAbandoned: 1 });
    const stalled = gate();
    exec.submit('slow', () => stalled.promise);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(drops).toEqual([['slow', 'timeout']]);
    expect(exec.pending()).toBe(0);
    expect(exec.abandonedTasks()).toBe(1);
    expect(exec.submit('next', () => Promise.resolve())).toBe(false);
    expect(drops).toContainEqual(['next', 'overloaded']);
    stalled.open();
    await turn();
    expect(exec.abandonedTasks()).toBe(0);
    expect(exec.submit('next', () => Promise.resolve())).toBe(true);
    await exec.close(100);
  });

  it('sheds new tasks while the admission refuses (overloaded), by kind, and admits again after', async () => {
    let overloaded = true;
    const asked: string[] = [];
    const { exec, drops } = executor({
      admission: {
        admits: (kind) => {
          asked.push(kind);
          return !overloaded;
        },
      },
    });
    let ran = 0;
    const work = (): Promise<void> => {
      ran += 1;
      return Promise.resolve();
    };
    expect(exec.submit('q', work, 'copy')).toBe(false);
    expect(exec.submit('q', work)).toBe(false);
    overloaded = false;
    expect(exec.submit('q', work, 'copy')).toBe(true);
    await turn();
    expect(ran).toBe(1);
    expect(asked).toEqual(['copy', 'compare', 'copy']);
    expect(kinds).toEqual([['q', 'overloaded', 'copy'], ['q', 'overloaded', 'compare']]);
    expect(drops).toEqual([['q', 'overloaded'], ['q', 'overloaded']]);
    await exec.close(100);
  });

  it('never lets a failing task escape', async () => {
    const { exec, drops } = executor();
    exec.submit('q', () => Promise.reject(new Error('boom')));
    exec.submit('q', () => {
      throw new Error('sync boom');
    });
    await turn();
    await turn();
    expect(exec.pending()).toBe(0);
    await exec.close(100);
    expect(drops).toEqual([]);
  });

  it('on close drops what waits, waits for what runs up to the grace, drops the rest (closing)', async () => {
    const { exec, drops } = executor({ maxConcurrency: 1 });
    const stalled = gate();
    exec.submit('a', () => stalled.promise);
    exec.submit('b', () => Promise.resolve());
    await turn();
    const started = Date.now();
    await exec.close(50);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(drops).toEqual([['b', 'closing'], ['a', 'closing']]);
    expect(exec.submit('c', () => Promise.resolve())).toBe(false);
    expect(drops).toContainEqual(['c', 'closing']);
    stalled.open();
  });
});
