import { ConfigError } from '../../core/src/config/parse-config';
import { loadBrokerConfig, parseAssignments } from './config';

describe('loadBrokerConfig', () => {
  it('applies defaults and requires a database', () => {
    expect(() => loadBrokerConfig({})).toThrow(/PACER_MYSQL_DATABASE: is required/);
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
    expect(c.cluster).toEqual({ zkConnect: '127.0.0.1:2181/x', cluster: 'pacer', sessionTimeoutMs: 6000, drainTimeoutMs: 10_000, drainLingerMs: 500, leaseCapabilityPollMs: 5000 });
    expect(loadBrokerConfig({ PACER_MYSQL_DATABASE: 'p' }).cluster).toBeUndefined();
    expect(() => loadBrokerConfig({ PACER_MYSQL_DATABASE: 'p', PACER_ZK_CONNECT: 'z:1', PACER_ASSIGN: 'q:0' })).toThrow(/exclusive/);
    expect(() => loadBrokerConfig({ PACER_MYSQL_DATABASE: 'p', PACER_ZK_CONNECT: 'z:1', PACER_ZK_SESSION_TIMEOUT_MS: '10' })).toThrow(/SESSION_TIMEOUT/);
  });
});

describe('loadBrokerConfig validation (parseConfig)', () => {
  const problems = (env: NodeJS.ProcessEnv): readonly string[] => {
    try {
      loadBrokerConfig(env);
    } catch (e) {
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
    throw new Error('expected a ConfigError');
  };

  it('reports several problems at once, each naming its variable', () => {
    expect(problems({ PACER_BROKER_PORT: 'x', PACER_MYSQL_PORT: '0', PACER_MONITOR_ENABLED: 'yes', PACER_ASSIGN: 'q:a', PACER_BUFFER_LOW_WATER: '2000' })).toEqual([
      "PACER_BROKER_PORT: must be an integer >= 0, got 'x'",
      "PACER_MYSQL_PORT: must be an integer >= 1, got '0'",
      "PACER_MONITOR_ENABLED: must be true or false, got 'yes'",
      "PACER_ASSIGN: item 'q:a' must be queue:N or queue:N-M",
      'PACER_MYSQL_DATABASE: is required',
      'PACER_BUFFER_LOW_WATER: must not exceed PACER_BUFFER_CAPACITY',
    ]);
  });

  it('checks the cluster variables only in cluster mode, all at once', () => {
    const bad = { PACER_MYSQL_DATABASE: 'p', PACER_CLUSTER: 'a b', PACER_ZK_SESSION_TIMEOUT_MS: '10', PACER_DRAIN_LINGER_MS: '-1', PACER_ASSIGN: 'all' };
    expect(loadBrokerConfig({ ...bad, PACER_ASSIGN: '' }).cluster).toBeUndefined();
    expect(problems({ ...bad, PACER_ZK_CONNECT: 'z:1' })).toEqual([
      "PACER_CLUSTER: must match [A-Za-z0-9_.-]+, got 'a b'",
      "PACER_ZK_SESSION_TIMEOUT_MS: must be an integer >= 1000, got '10'",
      "PACER_DRAIN_LINGER_MS: must be an integer >= 0, got '-1'",
      'PACER_ASSIGN: static ownership and PACER_ZK_CONNECT (cluster mode) are exclusive',
    ]);
  });

  it('keeps the accepted values and defaults: empty means unset for numbers, not for strings', () => {
    const c = loadBrokerConfig({ PACER_MYSQL_DATABASE: 'p', PACER_BROKER_PORT: '', PACER_MYSQL_PASSWORD: '', PACER_MONITOR_ENABLED: 'false', PACER_SAFETY_SWEEP_MS: '0' });
    expect(c).toMatchObject({ port: 9191, safetySweepMs: 0, monitor: { enabled: false }, mysql: { password: '', user: 'root', port: 3306 } });
    expect(loadBrokerConfig({ PACER_MYSQL_DATABASE: 'p', PACER_MONITOR_ENABLED: '' }).monitor.enabled).toBe(true);
    expect(loadBrokerConfig({ PACER_MYSQL_DATABASE: 'p', PACER_BROKER_HOST: '' }).host).toBe('');
  });

  it('binds the admin port to PACER_ADMIN_HOST, an IP address (default 127.0.0.1; flags win)', () => {
    expect(loadBrokerConfig({ PACER_MYSQL_DATABASE: 'p' }).adminHost).toBe('127.0.0.1');
    expect(loadBrokerConfig({ PACER_MYSQL_DATABASE: 'p', PACER_ADMIN_HOST: '' }).adminHost).toBe('127.0.0.1');
    expect(loadBrokerConfig({ PACER_MYSQL_DATABASE: 'p', PACER_ADMIN_HOST: '0.0.0.0' }).adminHost).toBe('0.0.0.0');
    expect(loadBrokerConfig({ PACER_MYSQL_DATABASE: 'p', PACER_ADMIN_HOST: '::' }).adminHost).toBe('::');
    expect(loadBrokerConfig({ PACER_MYSQL_DATABASE: 'p', PACER_ADMIN_HOST: '0.0.0.0' }, { PACER_ADMIN_HOST: '10.1.2.3' }).adminHost).toBe('10.1.2.3');
    expect(problems({ PACER_MYSQL_DATABASE: 'p', PACER_ADMIN_HOST: 'localhost' })).toEqual([
      "PACER_ADMIN_HOST: must be an IP address to listen on (127.0.0.1: this host only, 0.0.0.0: every interface), got 'localhost'",
    ]);
    expect(problems({ PACER_MYSQL_DATABASE: 'p', PACER_ADMIN_HOST: '0.0.0.0:9021' })).toEqual([expect.stringContaining("PACER_ADMIN_HOST: must be an IP address to listen on")]);
  });
});
