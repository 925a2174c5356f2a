import { ConfigError } from '../../core/src/config/parse-config';
import { loadDemoConfig } from './demo-config';

const argv = (...args: string[]): string[] => ['node', 'main.ts', ...args];

describe('loadDemoConfig', () => {
  it('gives the defaults a local system needs', () => {
    const config = loadDemoConfig(argv('--role', 'worker', '--queues', 'a, b'));
    expect(config).toMatchObject({ role: 'worker', host: '127.0.0.1', port: 9010, queues: ['a', 'b'], rate: 2, failureRatio: 0.1, logLevel: 'info' });
    expect(config.statusPort).toBeUndefined();
  });

  it('reports every problem at once', () => {
    let error: unknown;
    try {
      loadDemoConfig(argv('--role', 'producer', '--queues', 'ok,bad-name', '--rate', '0', '--failure-ratio', '2', '--port', 'x'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.split(':')[0])).toEqual(['port', 'queues.1', 'rate', 'failureRatio']);
  });
});
