import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePacerBackendConfig } from './backend-config';

describe('parsePacerBackendConfig', () => {
  it('reads config/pacer.local.json', () => {
    const json: unknown = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'config', 'pacer.local.json'), 'utf8'));
    expect(parsePacerBackendConfig(json)).toEqual({
      mysql: { host: '127.0.0.1', port: 3306, user: 'pacer_gateway', password: 'pacer-gateway-local', database: 'pacer_local', connectionLimit: 20 },
      createDatabase: false,
      defaultPartitions: 4,
      brokerCallTimeoutMs: 2000,
      bodyRegexTimeoutMs: 5000,
      brokers: { fallback: { host: '127.0.0.1', port: 9020 }, routes: [] },
    });
  });

  it('routes and defaults', () => {
    const c = parsePacerBackendConfig({ mysql: { database: 'p' }, brokers: { routes: [{ queue: 'q', partitions: [0, 2], endpoint: 'b1:9191' }] } });
    expect(c.mysql).toEqual({ host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'p', connectionLimit: 20 });
    expect(c.brokers?.routes).toEqual([{ queue: 'q', partitions: [0, 2], endpoint: { host: 'b1', port: 9191 } }]);
    expect(c.createDatabase).toBe(false);
    expect(c.bodyRegexTimeoutMs).toBe(5000);
  });

  it('bodyRegexTimeoutMs: a positive integer of ms', () => {
    const base = { mysql: { database: 'p' }, brokers: { fallback: 'b:1' } };
    expect(parsePacerBackendConfig({ ...base, bodyRegexTimeoutMs: 250 }).bodyRegexTimeoutMs).toBe(250);
    expect(() => parsePacerBackendConfig({ ...base, bodyRegexTimeoutMs: 0 })).toThrow(/bodyRegexTimeoutMs must be an integer >= 1/);
  });

  it('lists every problem at once', () => {
    let message = '';
    try {
      parsePacerBackendConfig({ mysql: { port: 'x' }, brokers: { fallback: 'nope', routes: [{ queue: '', endpoint: 1 }] }, zookeeper: { connect: 'zk:2181' } });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/mysql\.port must be an integer/);
    expect(message).toMatch(/mysql\.database is required/);
    expect(message).toMatch(/brokers\.fallback/);
    expect(message).toMatch(/brokers\.routes\[0\]\.endpoint must be "host:port"/);
    expect(message).toMatch(/exactly one of "brokers"/);
  });
});
