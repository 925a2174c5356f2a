import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { ConfigError } from '../../core/src/config/parse-config';
import { compileConfig, loadConfig } from './config';
import { parseProperties } from './properties-file';

const CONFIG_DIR = join(__dirname, '../../config');

describe('gateway config', () => {
  it('loads the shipped Redis sample (PINLATER_BACKEND=redis → legacy-redis)', () => {
    const c = loadConfig(['--properties', join(CONFIG_DIR, 'redis.local.properties'), '--backend-config', join(CONFIG_DIR, 'redis.local.json')], {});
    // 9013/9996: PinLater's 9010/9999 belong to the local routing gateway (config/gateway.local.properties).
    expect(c).toMatchObject({ backend: 'legacy-redis', thriftPort: 9013, adminPort: 9996, maxConcurrentRequests: 5000, idleTimeoutMs: 300_000 });
    expect(c.adminPasswordHash).toBe('63b747ec220ad5b796386abf1a12a2b046201537078df846e5e433bd5e46601b');
    expect(c.queueConfigFile).toBe(join(CONFIG_DIR, 'queue_config.json'));
    expect(c.serverSetFile).toBe(join(CONFIG_DIR, 'serverset'));
    expect(c.legacy.autoRetries).toBe(2);
    expect((c.backendConfig as { shards: { name: string }[] }).shards.map((s) => s.name)).toEqual(['1', '2', '3']);
  });

  it('loads the shipped routing gateway sample on PinLater\'s usual ports, every system of config/routing.local.json behind it', () => {
    const c = loadConfig(['--properties', join(CONFIG_DIR, 'gateway.local.properties'), '--routing-config', join(CONFIG_DIR, 'routing.local.json')], {});
    expect(c).toMatchObject({ thriftPort: 9010, adminPort: 9999, maxConcurrentRequests: 5000 });
    expect(c.routing?.legacyClusters.map((l) => [l.name, l.backend])).toEqual([['local-redis', 'legacy-redis'], ['local-mysql', 'legacy-mysql']]);
    expect(c.routing?.pacer).toBeDefined();
    expect(c.routing?.table).toMatchObject({ zookeeper: '127.0.0.1:2181', root: '/pinlater-routing', defaultDestination: { mode: 'pacer' } });
    expect(c.queueConfigFile).toBe(join(CONFIG_DIR, 'queue_config.json'));
  });

  it('loads the MySQL sample; --backend and --port override', () => {
    const args = ['--properties', join(CONFIG_DIR, 'mysql.local.properties'), '--backend-config', join(CONFIG_DIR, 'mysql.local.json')];
    expect(loadConfig(args, {})).toMatchObject({ backend: 'legacy-mysql', thriftPort: 9011, legacy: { mysql: { numDbPerQueue: 4, allowedHostnamePrefix: 'pinlaterlocaldb' } } });
    expect(loadConfig([...args, '--backend', 'pacer', '--port', '1234'], {})).toMatchObject({ backend: 'pacer', thriftPort: 1234 });
  });

  it('aggregates every problem into one error', () => {
    const props = parseProperties(readFileSync(join(CONFIG_DIR, 'mysql.local.properties'), 'utf8'));
    props.delete('THRIFT_PORT');
    props.set('NUM_PRIORITY_LEVELS', '0');
    props.delete('SHARD_ALLOWED_HOSTNAME_PREFIX');
    let error: unknown;
    try {
      compileConfig(props, '{not json', { properties: 'p', backendConfig: 'b' }, CONFIG_DIR);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'NUM_PRIORITY_LEVELS must be an integer >= 1, got "0"',
      'SHARD_ALLOWED_HOSTNAME_PREFIX is required',
      'THRIFT_PORT is required',
      expect.stringContaining('backend config is not valid JSON'),
    ]);
  });

  it('an empty ADMIN_PASSWORD_HASH means none', () => {
    const props = parseProperties(readFileSync(join(CONFIG_DIR, 'redis.local.properties'), 'utf8'));
    props.set('ADMIN_PASSWORD_HASH', '');
    expect(compileConfig(props, '{}', { properties: 'p', backendConfig: 'b' }, CONFIG_DIR).adminPasswordHash).toBeUndefined();
  });

  it('GATEWAY_BODY_REGEX_TIMEOUT_MS: 5000 by default, a positive integer of ms', () => {
    const props = parseProperties(readFileSync(join(CONFIG_DIR, 'mysql.local.properties'), 'utf8'));
    const compile = () => compileConfig(props, '{}', { properties: 'p', backendConfig: 'b' }, CONFIG_DIR);
    props.delete('GATEWAY_BODY_REGEX_TIMEOUT_MS');
    expect(compile().legacy.mysql.bodyRegexTimeoutMs).toBe(5000);
    props.set('GATEWAY_BODY_REGEX_TIMEOUT_MS', '250');
    expect(compile().legacy.mysql.bodyRegexTimeoutMs).toBe(250);
    props.set('GATEWAY_BODY_REGEX_TIMEOUT_MS', '0');
    expect(compile).toThrow(/GATEWAY_BODY_REGEX_TIMEOUT_MS must be an integer >= 1/);
  });

  it('GATEWAY_BODY_FILTER_STEP_BUDGET: 50 million by default, at least 1000', () => {
    const props = parseProperties(readFileSync(join(CONFIG_DIR, 'redis.local.properties'), 'utf8'));
    const compile = () => compileConfig(props, '{}', { properties: 'p', backendConfig: 'b' }, CONFIG_DIR);
    props.delete('GATEWAY_BODY_FILTER_STEP_BUDGET');
    expect(compile().legacy.redisBodyFilterStepBudget).toBe(50_000_000);
    props.set('GATEWAY_BODY_FILTER_STEP_BUDGET', '20000');
    expect(compile().legacy.redisBodyFilterStepBudget).toBe(20_000);
    props.set('GATEWAY_BODY_FILTER_STEP_BUDGET', '999');
    expect(compile).toThrow(/GATEWAY_BODY_FILTER_STEP_BUDGET must be an integer >= 1000/);
  });

  it('transport budgets: defaults, the budget follows the frame size and may not be below it, idle seconds win over minutes', () => {
    const props = parseProperties(readFileSync(join(CONFIG_DIR, 'redis.local.properties'), 'utf8'));
    const compile = () => compileConfig(props, '{}', { properties: 'p', backendConfig: 'b' }, CONFIG_DIR);
    expect(compile()).toMatchObject({ maxConnections: 10_000, maxBufferedBytes: 4 * 64 * 1024 * 1024, frameTimeoutMs: 60_000, idleTimeoutMs: 300_000 });
    props.set('GATEWAY_MAX_FRAME_BYTES', String(128 * 1024 * 1024));
    expect(compile().maxBufferedBytes).toBe(512 * 1024 * 1024);
    props.set('GATEWAY_MAX_BUFFERED_BYTES', String(64 * 1024 * 1024));
    expect(compile).toThrow(/GATEWAY_MAX_BUFFERED_BYTES must be >= GATEWAY_MAX_FRAME_BYTES \(134217728\), got 67108864/);
    props.set('GATEWAY_MAX_BUFFERED_BYTES', String(128 * 1024 * 1024));
    props.set('GATEWAY_MAX_CONNECTIONS', '7');
    props.set('GATEWAY_FRAME_TIMEOUT_SECONDS', '3');
    props.set('GATEWAY_IDLE_TIMEOUT_SECONDS', '2');
    expect(compile()).toMatchObject({ maxBufferedBytes: 128 * 1024 * 1024, maxConnections: 7, frameTimeoutMs: 3000, idleTimeoutMs: 2000 });
    props.set('GATEWAY_MAX_CONNECTIONS', '0');
    props.set('GATEWAY_FRAME_TIMEOUT_SECONDS', '0');
    expect(compile).toThrow(/GATEWAY_MAX_CONNECTIONS must be an integer >= 1[\s\S]*GATEWAY_FRAME_TIMEOUT_SECONDS must be an integer >= 1 <= 3600/);
  });

  describe('--routing-config (a routing gateway)', () => {
    const pacerProps = join(CONFIG_DIR, 'pacer.local.properties');
    const routing = join(CONFIG_DIR, 'routing.local.json');
    let stderr: jest.SpyInstance;
    beforeEach(() => {
      stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    });
    afterEach(() => stderr.mockRestore());

    it('takes the systems from the routing config and its own settings from --properties', () => {
      const c = loadConfig(['--properties', pacerProps, '--routing-config', routing, '--port', '4321'], {});
      expect(c).toMatchObject({ thriftPort: 4321, adminPort: 9997, legacy: { numPriorityLevels: 3 } });
      expect(c.backend).toBeUndefined();
      expect(c.routing?.legacyClusters.map((l) => l.name)).toEqual(['local-redis', 'local-mysql']);
      expect(c.routing?.table.defaultDestination).toEqual({ mode: 'pacer' });
    });

    it('is exclusive with --backend-config and --backend; one of --backend-config and --routing-config is required', () => {
      const withBackendConfig = ['--properties', pacerProps, '--routing-config', routing, '--backend-config', join(CONFIG_DIR, 'redis.local.json')];
      expect(() => loadConfig(withBackendConfig, {})).toThrow(CommanderError);
      expect(() => loadConfig(['--properties', pacerProps, '--routing-config', routing, '--backend', 'pacer'], {})).toThrow(CommanderError);
      expect(() => loadConfig(['--properties', pacerProps], {})).toThrow(/one of '--backend-config <file>' or '--routing-config <file>' is required/);
      expect(String(stderr.mock.calls.map((call: unknown[]) => call[0]).join(''))).toMatch(/cannot be used with option '--backend-config <file>'/);
    });

    it("reports the gateway properties' problems and the routing config's in one error", () => {
      const dir = mkdtempSync(join(tmpdir(), 'gw-routing-'));
      try {
        const props = readFileSync(pacerProps, 'utf8').replace(/^THRIFT_PORT=.*$/m, '');
        writeFileSync(join(dir, 'gw.properties'), props);
        writeFileSync(join(dir, 'routing.json'), JSON.stringify({ routing: { zookeeper: '127.0.0.1:2181', defaultDestination: 'nowhere' } }));
        let error: unknown;
        try {
          loadConfig(['--properties', join(dir, 'gw.properties'), '--routing-config', join(dir, 'routing.json')], {});
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).problems).toEqual([
          'THRIFT_PORT is required',
          `${join(dir, 'routing.json')}: names no system: give at least one legacy cluster or pacer`,
          `${join(dir, 'routing.json')}: routing.defaultDestination: 'nowhere' is not a configured system (configured: none)`,
        ]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
