import { ConfigError } from '../../../core/src/config/parse-config';
import { silentLogger } from '../../../core/src/logging/logger';
import { WORKER_ENV } from '../worker-pools/worker-env';
import { workerConfigFromEnv } from './worker-config-from-env';

const handler = async (): Promise<void> => undefined;
const options = { handler, logger: silentLogger() };

function problemsOf(env: Record<string, string>, extra: Record<string, unknown> = {}): string[] {
  try {
    workerConfigFromEnv(env, { ...options, ...extra } as typeof options);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  throw new Error('compiled without a problem');
}

describe('workerConfigFromEnv', () => {
  it('reads the pool runtime\'s variables (pacer/src/worker-pools/worker-env.ts)', () => {
    const c = workerConfigFromEnv({
      [WORKER_ENV.queue]: 'thumbs', [WORKER_ENV.gateway]: 'gw:9010', [WORKER_ENV.concurrency]: '8', [WORKER_ENV.pool]: 'pw-thumbs-1a2b3c4d', OTHER: 'x',
    }, options);
    expect(c).toMatchObject({ queue: 'thumbs', gateway: { host: 'gw', port: 9010 }, concurrency: 8, pool: 'pw-thumbs-1a2b3c4d', handler });
    expect(c.source).toMatch(/^pinlater-worker:pw-thumbs-1a2b3c4d:/);
  });

  it('falls back to the options\' concurrency, then the default, and to the queue as pool; blank counts as unset', () => {
    const env = { [WORKER_ENV.queue]: 'q', [WORKER_ENV.gateway]: 'h:1', [WORKER_ENV.concurrency]: ' ', [WORKER_ENV.pool]: '' };
    expect(workerConfigFromEnv(env, { ...options, concurrency: 3 })).toMatchObject({ concurrency: 3, pool: 'q' });
    expect(workerConfigFromEnv(env, options)).toMatchObject({ concurrency: 10 });
    expect(workerConfigFromEnv({ ...env, [WORKER_ENV.concurrency]: '2' }, { ...options, concurrency: 3 })).toMatchObject({ concurrency: 2 });
  });

  it('names each variable in its problem, together with the options\' own problems', () => {
    expect(problemsOf({ [WORKER_ENV.concurrency]: 'lots', [WORKER_ENV.pool]: 'a pool' }, { heartbeatIntervalMs: 'soon' }).sort()).toEqual([
      'PINLATER_GATEWAY: not set; host:port of the PinLater gateway, e.g. 127.0.0.1:9010 (or { host, port })',
      'PINLATER_QUEUE: not set; a PinLater queue name (1-255 of [A-Za-z0-9_])',
      'PINLATER_WORKER_CONCURRENCY: an integer from 1 to 1000',
      'PINLATER_WORKER_POOL: 1-100 of [A-Za-z0-9_.-]',
      'heartbeatIntervalMs: an integer from 0 to 86400000',
    ].sort());
  });

  it('reads the status port and its address; without them there is no status port, on 127.0.0.1 once there is one', () => {
    const env = { [WORKER_ENV.queue]: 'q', [WORKER_ENV.gateway]: 'h:1' };
    expect(workerConfigFromEnv(env, options)).toMatchObject({ statusPort: undefined, statusHost: '127.0.0.1' });
    expect(workerConfigFromEnv({ ...env, [WORKER_ENV.statusPort]: '9100' }, options)).toMatchObject({ statusPort: 9100, statusHost: '127.0.0.1' });
    expect(workerConfigFromEnv({ ...env, [WORKER_ENV.statusPort]: ' 9100 ', [WORKER_ENV.statusHost]: '0.0.0.0' }, options)).toMatchObject({ statusPort: 9100, statusHost: '0.0.0.0' });
  });

  it('the environment\'s status port wins over the options\' (a pool spec\'s statusPort is where Kubernetes probes); blank counts as unset', () => {
    const env = { [WORKER_ENV.queue]: 'q', [WORKER_ENV.gateway]: 'h:1' };
    const fallback = { ...options, statusPort: 9071, statusHost: '::1' };
    expect(workerConfigFromEnv({ ...env, [WORKER_ENV.statusPort]: '9100', [WORKER_ENV.statusHost]: '0.0.0.0' }, fallback)).toMatchObject({ statusPort: 9100, statusHost: '0.0.0.0' });
    expect(workerConfigFromEnv({ ...env, [WORKER_ENV.statusPort]: '', [WORKER_ENV.statusHost]: ' ' }, fallback)).toMatchObject({ statusPort: 9071, statusHost: '::1' });
  });

  it('refuses a bad status port or address, each named by its variable, in the one ConfigError', () => {
    const env = { [WORKER_ENV.queue]: 'q', [WORKER_ENV.gateway]: 'h:1' };
    const portProblem = 'PINLATER_WORKER_STATUS_PORT: an integer from 1 to 65535';
    for (const port of ['0', '65536', 'http', '91.5', '-1']) {
      expect(problemsOf({ ...env, [WORKER_ENV.statusPort]: port, [WORKER_ENV.statusHost]: 'localhost' })).toEqual([
        portProblem,
        'PINLATER_WORKER_STATUS_HOST: must be an IP address to listen on (127.0.0.1: this host only, 0.0.0.0: every interface), got \'localhost\'',
      ]);
    }
    expect(problemsOf({ [WORKER_ENV.gateway]: 'h:1', [WORKER_ENV.statusPort]: 'x' })).toEqual([expect.stringMatching(/^PINLATER_QUEUE: not set; /), portProblem]);
  });

  it('refuses a concurrency beyond the SDK\'s bound and a gateway without a port', () => {
    expect(problemsOf({ [WORKER_ENV.queue]: 'q', [WORKER_ENV.gateway]: 'gateway', [WORKER_ENV.concurrency]: '100000' })).toEqual([
      expect.stringMatching(/^PINLATER_GATEWAY: host:port/), 'PINLATER_WORKER_CONCURRENCY: an integer from 1 to 1000',
    ]);
  });
});
