import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../../core/src/config/parse-config';
import { parsePacerBackendConfig } from './pacer-backend-config';

const readConfig = (name: string): unknown => JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'config', name), 'utf8'));

function problemsOf(value: unknown): readonly string[] {
  try {
    parsePacerBackendConfig(value);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('parsePacerBackendConfig', () => {
  it('reads config/pacer-cluster.local.json (the zookeeper topology scripts/up.sh runs)', () => {
    expect(parsePacerBackendConfig(readConfig('pacer-cluster.local.json'))).toEqual({
      mode: 'zookeeper',
      mysql: { host: '127.0.0.1', port: 3306, user: 'pacer_gateway', password: 'pacer-gateway-local', database: 'pacer_local', connectionLimit: 20 },
      createDatabase: false,
      defaultPartitions: 4,
      countLimit: 100_000,
      brokerCallTimeoutMs: 2000,
      bodyRegexTimeoutMs: 5000,
      claims: 'lease',
      zookeeper: { connect: '127.0.0.1:2181', cluster: 'pacer' },
    });
  });

  it('reads config/pacer.local.json (a static directory)', () => {
    const c = parsePacerBackendConfig(readConfig('pacer.local.json'));
    expect(c.mode).toBe('static');
    expect(c.mode === 'static' && c.brokers).toEqual({ fallback: { host: '127.0.0.1', port: 9020 }, routes: [] });
  });

  it('static routes and the defaults', () => {
    const c = parsePacerBackendConfig({ mode: 'static', mysql: { database: 'p' }, brokers: { routes: [{ queue: 'q', partitions: [0, 2], endpoint: 'b1:9191' }] } });
    expect(c.mysql).toEqual({ host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'p', connectionLimit: 20 });
    expect(c.mode === 'static' && c.brokers.routes).toEqual([{ queue: 'q', partitions: [0, 2], endpoint: { host: 'b1', port: 9191 } }]);
    expect(c).toMatchObject({ createDatabase: false, bodyRegexTimeoutMs: 5000, countLimit: 100_000, defaultPartitions: 4 });
  });

  it("Pacer's own count limit", () => {
    expect(parsePacerBackendConfig({ mode: 'embedded', mysql: { database: 'p' }, countLimit: 250 }).countLimit).toBe(250);
    expect(problemsOf({ mode: 'embedded', mysql: { database: 'p' }, countLimit: 0 })).toEqual([expect.stringMatching(/^countLimit: /)]);
  });

  it('embedded: an optional broker id', () => {
    expect(parsePacerBackendConfig({ mode: 'embedded', mysql: { database: 'p' } })).toMatchObject({ mode: 'embedded', embedded: {} });
    expect(parsePacerBackendConfig({ mode: 'embedded', mysql: { database: 'p' }, embedded: { brokerId: 'b' } })).toMatchObject({ embedded: { brokerId: 'b' } });
  });

  it('bodyRegexTimeoutMs: a positive integer of ms', () => {
    const base = { mode: 'static', mysql: { database: 'p' }, brokers: { fallback: 'b:1' } };
    expect(parsePacerBackendConfig({ ...base, bodyRegexTimeoutMs: 250 }).bodyRegexTimeoutMs).toBe(250);
    expect(problemsOf({ ...base, bodyRegexTimeoutMs: 0 })).toEqual([expect.stringMatching(/^bodyRegexTimeoutMs: /)]);
  });

  it('the mode is explicit: none, or an unknown one, is refused', () => {
    expect(problemsOf({ mysql: { database: 'p' }, zookeeper: { connect: 'zk:2181' } })).toEqual(['mode: must be "zookeeper", "static" or "embedded"']);
    expect(problemsOf({ mode: 'cluster', mysql: { database: 'p' } })).toEqual(['mode: must be "zookeeper", "static" or "embedded"']);
  });

  it("another mode's settings, or an unknown key, are errors, not ignored", () => {
    expect(problemsOf({ mode: 'zookeeper', mysql: { database: 'p' }, zookeeper: { connect: 'zk:2181' }, brokers: { fallback: 'b:1' } })).toEqual([expect.stringMatching(/brokers/)]);
    expect(problemsOf({ mode: 'embedded', mysql: { database: 'p', conectionLimit: 3 } })).toEqual([expect.stringMatching(/^mysql: .*conectionLimit/)]);
  });

  it('lists every problem at once, each with where it is', () => {
    const problems = problemsOf({ mode: 'static', mysql: { port: 'x' }, brokers: { fallback: 'nope', routes: [{ queue: '', endpoint: 1 }] } });
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^mysql\.port: /),
      expect.stringMatching(/^mysql\.database: /),
      expect.stringMatching(/^brokers\.fallback: Invalid broker endpoint 'nope'/),
      'brokers.routes.0.queue: must be a queue name',
      expect.stringMatching(/^brokers\.routes\.0\.endpoint: /),
    ]));
    expect(problems).toHaveLength(5);
  });

  it('a static directory needs a fallback or a route', () => {
    expect(problemsOf({ mode: 'static', mysql: { database: 'p' }, brokers: {} })).toEqual(['brokers: brokers needs a fallback or at least one route']);
  });
});
