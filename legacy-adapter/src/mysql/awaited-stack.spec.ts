import { withAwaitedStack } from './awaited-stack';

/** Fails the way a driver callback does: an error made on a later tick, with none of the caller's frames. */
function driverFailure(): Promise<never> {
  return new Promise((_resolve, reject) => setImmediate(() => reject(Object.assign(new Error('Table x doesn\'t exist'), { errno: 1146 }))));
}

async function statement(): Promise<void> {
  try {
    await driverFailure();
  } catch (e) {
    throw withAwaitedStack(e);
  }
}

async function theCallerOfTheStatement(): Promise<void> {
  await statement();
}

describe('withAwaitedStack', () => {
  it('puts the frames of the awaiting code after the message and keeps the error, its fields and its own frames', async () => {
    const err = (await theCallerOfTheStatement().catch((e: unknown) => e)) as Error & { errno: number };
    expect(err.errno).toBe(1146);
    const lines = String(err.stack).split('\n');
    expect(lines[0]).toBe("Error: Table x doesn't exist");
    expect(lines[1]).toContain('statement');
    expect(lines.some((l) => /at (async )?theCallerOfTheStatement /.test(l))).toBe(true); // 'async' where not transpiled
    expect(lines.some((l) => l.includes('Immediate'))).toBe(true); // the driver's own frame, after
  });

  it('passes anything but an Error through unchanged', () => {
    const thrown = { code: 'X' };
    expect(withAwaitedStack(thrown)).toBe(thrown);
    expect(withAwaitedStack('text')).toBe('text');
  });
});
