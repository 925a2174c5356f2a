import { EventEmitter } from 'node:events';
import { captureLogs } from '../../../test/support/log-capture';
import { routeProcessOutput, type ProcessOutputTarget } from './process-output';

/** A stand-in for `process` and `console`: routeProcessOutput must not touch the real ones here (jest's). */
function fakeTarget(): { target: ProcessOutputTarget; emitter: EventEmitter; exits: number[]; console: Record<string, (...args: unknown[]) => void> } {
  const emitter = new EventEmitter();
  const printed: unknown[][] = [];
  const fakeConsole = { log: (...a: unknown[]) => printed.push(a), info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, trace: () => undefined };
  const exits: number[] = [];
  return { target: { process: emitter, console: fakeConsole as unknown as Console, exit: (code) => exits.push(code) }, emitter, exits, console: fakeConsole };
}

describe('routeProcessOutput', () => {
  it("replaces Node's warning printer by a warn line with the warning's name, message and code", () => {
    const { target, emitter } = fakeTarget();
    const printer = jest.fn();
    emitter.on('warning', printer); // stands for Node's default printer
    const logs = captureLogs();
    routeProcessOutput(logs.logger, target);
    emitter.emit('warning', Object.assign(new Error('Buffer() is deprecated'), { name: 'DeprecationWarning', code: 'DEP0005' }));
    expect(printer).not.toHaveBeenCalled();
    expect(logs.withMsg('node warning')).toEqual([expect.objectContaining({ level: 40, warning: { name: 'DeprecationWarning', message: 'Buffer() is deprecated', code: 'DEP0005' } })]);
  });

  it('logs an uncaught exception as one fatal line with its stack and origin, then exits 1', () => {
    const { target, emitter, exits } = fakeTarget();
    const logs = captureLogs();
    routeProcessOutput(logs.logger, target);
    emitter.emit('uncaughtException', new TypeError('x is undefined'), 'unhandledRejection');
    const [line] = logs.withMsg('uncaught exception');
    expect(line).toMatchObject({ level: 60, origin: 'unhandledRejection', err: { type: 'TypeError', message: 'x is undefined' } });
    expect(String((line?.err as { stack: string }).stack)).toContain('TypeError: x is undefined');
    expect(exits).toEqual([1]);
  });

  it('turns console calls into lines at the matching level, formatted as console would', () => {
    const { target, console: fake } = fakeTarget();
    const logs = captureLogs('debug');
    routeProcessOutput(logs.logger, target);
    fake.log?.('%s joined with %d partitions', 'b1', 3);
    fake.warn?.('Ignoring invalid configuration option', { acquireTimeout: 1 });
    fake.error?.('boom');
    fake.debug?.('details');
    expect(logs.lines().map((l) => [l.level, l.source, l.msg])).toEqual([
      [30, 'console', 'b1 joined with 3 partitions'],
      [40, 'console', 'Ignoring invalid configuration option { acquireTimeout: 1 }'],
      [50, 'console', 'boom'],
      [20, 'console', 'details'],
    ]);
  });

  it('writes through the logger given last (the configured level replaces the bootstrap one)', () => {
    const { target, emitter } = fakeTarget();
    const bootstrap = captureLogs();
    const configured = captureLogs('error');
    const output = routeProcessOutput(bootstrap.logger, target);
    emitter.emit('warning', new Error('before'));
    output.useLogger(configured.logger);
    emitter.emit('warning', new Error('after: below the configured level'));
    expect(bootstrap.lines().map((l) => (l.warning as { message: string }).message)).toEqual(['before']);
    expect(configured.lines()).toEqual([]);
  });
});
