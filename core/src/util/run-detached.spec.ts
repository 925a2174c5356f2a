import { runDetached } from './run-detached';

describe('runDetached', () => {
  it('logs a rejection with its reason instead of leaving it unhandled', async () => {
    const logged: Array<[unknown, string]> = [];
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      const failure = new Error('boom');
      runDetached('refresh the queue list', Promise.reject(failure), { error: (obj: unknown, msg: string) => logged.push([obj, msg]) } as never);
      await new Promise((resolve) => setImmediate(resolve));
      expect(logged).toEqual([[{ err: failure, why: 'refresh the queue list' }, 'detached task failed']]);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('logs nothing when the work succeeds', async () => {
    const logged: unknown[] = [];
    runDetached('poll', Promise.resolve(1), { error: (obj: unknown) => logged.push(obj) } as never);
    await new Promise((resolve) => setImmediate(resolve));
    expect(logged).toEqual([]);
  });
});
