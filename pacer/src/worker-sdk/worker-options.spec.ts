import { ConfigError } from '../../../core/src/config/parse-config';
import { silentLogger } from '../../../core/src/logging/logger';
import { compileWorkerOptions, parseGatewayAddress, WORKER_DEFAULTS, type WorkerOptions } from './worker-options';

const handler = async (): Promise<void> => undefined;
const base: WorkerOptions = { gateway: '127.0.0.1:9010', queue: 'thumbs', handler, logger: silentLogger() };

function problemsOf(options: unknown): string[] {
  try {
    compileWorkerOptions(options as WorkerOptions);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  throw new Error('compiled without a problem');
}

describe('compileWorkerOptions', () => {
  it('fills in every default and parses host:port', () => {
    const c = compileWorkerOptions(base);
    expect(c).toMatchObject({
      gateway: { host: '127.0.0.1', port: 9010 }, queue: 'thumbs', pool: 'thumbs', handler,
      concurrency: WORKER_DEFAULTS.concurrency, heartbeatIntervalMs: 30_000, maxAcksPerCall: 1000, callTimeoutMs: 15_000, connectTimeoutMs: 5000, shutdownDeadlineMs: 30_000,
      retryBackoff: { initialDelayMs: 1000, maxDelayMs: 600_000 }, idleBackoff: { initialDelayMs: 50, maxDelayMs: 2000 }, reconnectBackoff: { initialDelayMs: 100, maxDelayMs: 5000 },
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('gives each worker its own source (claim descriptors and checkpoints match on it), short enough for PinLater MySQL', () => {
    const a = compileWorkerOptions(base).source;
    const b = compileWorkerOptions(base).source;
    expect(a).not.toBe(b);
    expect(a).toMatch(/^pinlater-worker:thumbs:[^:]+:\d+:[0-9a-f]{8}$/);
    expect(a.length).toBeLessThanOrEqual(100);
    expect(compileWorkerOptions({ ...base, pool: 'pw-thumbs-1a2b3c4d', source: 'my-worker-7' }).source).toBe('my-worker-7');
  });

  it('is idempotent: a compiled config compiles to the same config', () => {
    const c = compileWorkerOptions({ ...base, concurrency: 3, idleBackoff: { maxDelayMs: 500 } });
    expect(compileWorkerOptions(c)).toEqual(c);
    expect(c.idleBackoff).toEqual({ initialDelayMs: 50, maxDelayMs: 500 });
  });

  it('reports every problem at once, each naming its option', () => {
    const problems = problemsOf({
      gateway: 'nohost', queue: 'bad-name!', handler: 'not a function', concurrency: 0, heartbeatIntervalMs: -1,
      retryBackoff: { initialDelayMs: 5000, maxDelayMs: 10 }, idleBackoff: { initialDelay: 5 }, source: 'has a space', concurency: 4,
    });
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^gateway: host:port of the PinLater gateway/),
      'queue: a PinLater queue name (1-255 of [A-Za-z0-9_])',
      'handler: a function (job) => Promise<void>',
      'concurrency: an integer from 1 to 1000',
      'heartbeatIntervalMs: an integer from 0 to 86400000',
      'retryBackoff: initialDelayMs must not exceed maxDelayMs',
      expect.stringMatching(/^idleBackoff: Unrecognized key: "initialDelay"/),
      expect.stringMatching(/^source: 1-100 of/),
      expect.stringMatching(/Unrecognized key: "concurency"/),
    ]));
    expect(problems).toHaveLength(9);
  });

  it('has no status port by default, and an IP address to listen on when it has one', () => {
    expect(compileWorkerOptions(base)).toMatchObject({ statusPort: undefined, statusHost: '127.0.0.1' });
    expect(compileWorkerOptions({ ...base, statusPort: 9100, statusHost: '0.0.0.0' })).toMatchObject({ statusPort: 9100, statusHost: '0.0.0.0' });
    expect(problemsOf({ ...base, statusPort: 0, statusHost: 'example.com' })).toEqual([
      'statusPort: an integer from 1 to 65535', expect.stringMatching(/^statusHost: must be an IP address to listen on/),
    ]);
  });

  it('says what is missing', () => {
    expect(problemsOf({})).toEqual(expect.arrayContaining([
      expect.stringMatching(/^gateway: /), expect.stringMatching(/^queue: /), expect.stringMatching(/^handler: /),
    ]));
  });

  it('throws one ConfigError whose message lists the problems line by line', () => {
    expect(() => compileWorkerOptions({ ...base, concurrency: 5000, maxAcksPerCall: 0 })).toThrow(
      'Invalid worker configuration:\n  - concurrency: an integer from 1 to 1000\n  - maxAcksPerCall: an integer from 1 to 100000',
    );
  });
});

describe('parseGatewayAddress', () => {
  it('accepts host:port, [v6]:port and { host, port }', () => {
    expect(parseGatewayAddress('gw.example:9010')).toEqual({ host: 'gw.example', port: 9010 });
    expect(parseGatewayAddress(' 10.0.0.1:1 ')).toEqual({ host: '10.0.0.1', port: 1 });
    expect(parseGatewayAddress('[::1]:9010')).toEqual({ host: '::1', port: 9010 });
    expect(parseGatewayAddress({ host: 'h', port: 65535 })).toEqual({ host: 'h', port: 65535 });
  });

  it('refuses anything else with the expected form in the text', () => {
    for (const bad of ['h', 'h:', ':9010', 'h:0', 'h:70000', 'h:90x', 'a b:1', { host: 'h' }, { host: '', port: 1 }, { host: 'h', port: 1, tls: true }, 9010, undefined]) {
      expect({ bad, result: parseGatewayAddress(bad) }).toEqual({ bad, result: expect.stringMatching(/^host:port of the PinLater gateway/) });
    }
  });
});
