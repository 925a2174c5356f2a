import { loadBrokerConfig, parseAssignments } from './config';

describe('loadBrokerConfig', () => {
  it('applies defaults and requires a database', () => {
    expect(() => loadBrokerConfig({})).toThrow(/PACER_MYSQL_DATABASE is required/);
    const c = loadBrokerConfig({ PACER_MYSQL_DATABASE: 'pacer' });
    expect(c.port).toBe(9191);
    expect(c.monitor.claimTimeoutMs).toBe(180_000);
    expect(c.assign).toEqual([]);
  });

  it('aggregates every problem into one error', () => {
    expect(() => loadBrokerConfig({ PACER_BROKER_PORT: 'x', PACER_ASSIGN: 'q:a' })).toThrow(/PACER_BROKER_PORT[\s\S]*PACER_ASSIGN[\s\S]*DATABASE/);
  });

  it('lets overrides (CLI flags) win over the environment', () => {
    expect(loadBrokerConfig({ PACER_MYSQL_DATABASE: 'a' }, { PACER_MYSQL_DATABASE: 'b' }).mysql.database).toBe('b');
  });
});

describe('parseAssignments', () => {
  it('parses ranges and all', () => {
    expect(parseAssignments('q:0-2, r:5', [])).toEqual([{ queue: 'q', partitions: [0, 1, 2] }, { queue: 'r', partitions: [5] }]);
    expect(parseAssignments('all', [])).toBe('all');
  });
});

describe('loadBrokerConfig cluster mode', () => {
  it('is on with PACER_ZK_CONNECT, with defaults, and exclusive with a static assignment', () => {
    const c = loadBrokerConfig({ PACER_MYSQL_DATABASE: 'p', PACER_ZK_CONNECT: '127.0.0.1:2181/x' });
    expect(c.cluster).toEqual({ zkConnect: '127.0.0.1:2181/x', cluster: 'pacer', sessionTimeoutMs: 6000, drainTimeoutMs: 10_000, drainLingerMs: 500 });
    expect(loadBrokerConfig({ PACER_MYSQL_DATABASE: 'p' }).cluster).toBeUndefined();
    expect(() => loadBrokerConfig({ PACER_MYSQL_DATABASE: 'p', PACER_ZK_CONNECT: 'z:1', PACER_ASSIGN: 'q:0' })).toThrow(/exclusive/);
    expect(() => loadBrokerConfig({ PACER_MYSQL_DATABASE: 'p', PACER_ZK_CONNECT: 'z:1', PACER_ZK_SESSION_TIMEOUT_MS: '10' })).toThrow(/SESSION_TIMEOUT/);
  });
});
