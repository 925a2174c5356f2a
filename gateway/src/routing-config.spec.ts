import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../core/src/config/parse-config';
import { DEFAULT_SHADOW_SETTINGS } from '../../core/src/shadow/shadow-settings';
import { loadRoutingConfig, type RoutingConfigContext } from './routing-config';

const CONFIG_DIR = join(__dirname, '../../config');
const LEVELS_3: RoutingConfigContext = { pacerPriorityLevels: 3 };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'routing-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `name` in the temp dir (creating folders); JSON for objects, text for strings. */
function write(name: string, content: unknown): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const shipped = (file: string): string => readFileSync(join(CONFIG_DIR, file), 'utf8');

/** The local sample's files copied beside the config, so tests can change one thing. */
function writeSystems(): void {
  for (const file of ['redis.local.json', 'redis.local.properties', 'mysql.local.json', 'mysql.local.properties', 'pacer-cluster.local.json']) write(file, shipped(file));
}

const redisCluster = { name: 'redis-a', backend: 'legacy-redis', backendConfig: 'redis.local.json', properties: 'redis.local.properties' };
const mysqlCluster = { name: 'mysql-a', backend: 'legacy-mysql', backendConfig: 'mysql.local.json', properties: 'mysql.local.properties' };
const valid = {
  legacyClusters: [redisCluster, mysqlCluster],
  pacer: { backendConfig: 'pacer-cluster.local.json' },
  routing: { zookeeper: '127.0.0.1:2181/chroot', defaultDestination: 'pacer' },
};

function problemsOf(file: string, context = LEVELS_3): readonly string[] {
  try {
    loadRoutingConfig(file, context);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('routing gateway config', () => {
  it('loads the shipped local config: every system, its settings from its own properties, the table', () => {
    const c = loadRoutingConfig(join(CONFIG_DIR, 'routing.local.json'), LEVELS_3);
    expect(c.legacyClusters.map((l) => [l.name, l.backend, l.backendConfigPath, l.propertiesPath])).toEqual([
      ['local-redis', 'legacy-redis', join(CONFIG_DIR, 'redis.local.json'), join(CONFIG_DIR, 'redis.local.properties')],
      ['local-mysql', 'legacy-mysql', join(CONFIG_DIR, 'mysql.local.json'), join(CONFIG_DIR, 'mysql.local.properties')],
    ]);
    const [redis, mysql] = c.legacyClusters;
    // Each cluster keeps the settings of its own PinLater properties (they differ between the two files).
    expect(redis?.settings).toMatchObject({ autoRetries: 2, socketTimeoutMs: 1000, monitor: { updateMaxSize: 1000 } });
    expect(mysql?.settings).toMatchObject({ autoRetries: 3, socketTimeoutMs: 5000, mysql: { countLimit: 100_000, numDbPerQueue: 4, allowedHostnamePrefix: 'pinlaterlocaldb' } });
    expect((redis?.backendConfig as { shards: unknown[] }).shards).toHaveLength(3);
    expect(c.pacer?.backendConfigPath).toBe(join(CONFIG_DIR, 'pacer-cluster.local.json'));
    expect(c.table).toEqual({ zookeeper: '127.0.0.1:2181', root: '/pinlater-routing', defaultDestination: { mode: 'pacer' }, gatewayId: undefined });
  });

  it("resolves relative paths against the config file's directory, not the working directory", () => {
    writeSystems();
    write('sub/dir/extra.properties', shipped('mysql.local.properties'));
    const file = write('conf/routing.json', {
      legacyClusters: [{ ...mysqlCluster, backendConfig: '../mysql.local.json', properties: '../sub/dir/extra.properties' }],
      routing: { zookeeper: '127.0.0.1:2181', root: '/r/t', defaultDestination: 'mysql-a', gatewayId: 'gw-1:9010' },
    });
    const c = loadRoutingConfig(file, { pacerPriorityLevels: undefined });
    expect(c.legacyClusters[0]).toMatchObject({ backendConfigPath: join(dir, 'mysql.local.json'), propertiesPath: join(dir, 'sub/dir/extra.properties') });
    expect(c.pacer).toBeUndefined();
    expect(c.table).toEqual({ zookeeper: '127.0.0.1:2181', root: '/r/t', defaultDestination: { mode: 'legacy', cluster: 'mysql-a' }, gatewayId: 'gw-1:9010' });
  });

  it('reports every problem at once', () => {
    writeSystems();
    write('broken.json', '{"shards": [');
    const noCountLimit = shipped('mysql.local.properties').replace(/^MYSQL_COUNT_LIMIT=.*$/m, '');
    write('no-count-limit.properties', noCountLimit);
    const file = write('routing.json', {
      legacyClusters: [
        { ...redisCluster, backendConfig: 'missing.json', colour: 'red' },
        { ...mysqlCluster, name: 'redis-a', properties: 'no-count-limit.properties' },
        { ...redisCluster, name: 'bad name', backendConfig: 'broken.json' },
        { ...redisCluster, name: 'Pacer' },
      ],
      routing: { zookeeper: 'zk-without-port', root: 'relative', defaultDestination: 'pacer', gatewayId: 'gw/1' },
      mirror: true,
    });
    const problems = problemsOf(file);
    expect(problems).toEqual(expect.arrayContaining([
      'Unrecognized key: "mirror"',
      'legacyClusters.0: Unrecognized key: "colour"',
      expect.stringMatching(/^legacyClusters\.0\.backendConfig: cannot read .*missing\.json: ENOENT$/),
      expect.stringMatching(/^legacyClusters\.2\.backendConfig: .*broken\.json is not valid JSON/),
      'legacyClusters.2.name: must match [A-Za-z0-9_.-]+',
      "legacyClusters.3.name: 'pacer' names Pacer; name the legacy cluster otherwise",
      "legacyClusters.1.name: 'redis-a' is used by another legacy cluster",
      expect.stringMatching(/^legacyClusters\.1\.properties: .*no-count-limit\.properties: MYSQL_COUNT_LIMIT is required$/),
      expect.stringMatching(/^routing\.zookeeper: Invalid ZooKeeper server 'zk-without-port'/),
      "routing.root: routing root 'relative' cannot name a routing node: an absolute path like /pinlater-routing (no trailing slash)",
      "routing.gatewayId: gateway id 'gw/1' cannot name a routing node: 1-128 of [A-Za-z0-9_.:-]",
      expect.stringMatching(/^routing\.defaultDestination: 'pacer' is not a configured system/),
    ]));
    expect(problems).toHaveLength(12);
  });

  it('refuses a default destination that names no configured system', () => {
    writeSystems();
    const unknownCluster = write('a.json', { ...valid, routing: { ...valid.routing, defaultDestination: 'mysql-b' } });
    expect(problemsOf(unknownCluster)).toEqual(["routing.defaultDestination: 'mysql-b' is not a configured system (configured: redis-a, mysql-a, pacer)"]);
    const noPacer = write('b.json', { ...valid, pacer: undefined });
    expect(problemsOf(noPacer)).toEqual(["routing.defaultDestination: 'pacer' is not a configured system (configured: redis-a, mysql-a)"]);
  });

  it('refuses duplicate cluster names, and a config without any system', () => {
    writeSystems();
    const dup = write('dup.json', { ...valid, legacyClusters: [redisCluster, { ...mysqlCluster, name: 'redis-a' }] });
    expect(problemsOf(dup)).toEqual(["legacyClusters.1.name: 'redis-a' is used by another legacy cluster"]);
    const none = write('none.json', { routing: { zookeeper: '127.0.0.1:2181', defaultDestination: 'pacer' } });
    expect(problemsOf(none)).toEqual([
      'names no system: give at least one legacy cluster or pacer',
      "routing.defaultDestination: 'pacer' is not a configured system (configured: none)",
    ]);
  });

  it('refuses unknown keys at every level', () => {
    writeSystems();
    const file = write('keys.json', {
      ...valid,
      legacyClusters: [{ ...redisCluster, propertes: 'x' }],
      pacer: { backendConfig: 'pacer-cluster.local.json', mode: 'embedded' },
      routing: { ...valid.routing, defaultDestinaton: 'pacer' },
      clusters: [],
    });
    expect(problemsOf(file)).toEqual(expect.arrayContaining([
      'Unrecognized key: "clusters"',
      'legacyClusters.0: Unrecognized key: "propertes"',
      'pacer: Unrecognized key: "mode"',
      'routing: Unrecognized key: "defaultDestinaton"',
    ]));
  });

  it('requires the same NUM_PRIORITY_LEVELS on every system, Pacer taking the gateway properties', () => {
    writeSystems();
    write('five.properties', shipped('mysql.local.properties').replace(/^NUM_PRIORITY_LEVELS=.*$/m, 'NUM_PRIORITY_LEVELS=5'));
    const file = write('levels.json', { ...valid, legacyClusters: [redisCluster, { ...mysqlCluster, properties: 'five.properties' }] });
    expect(problemsOf(file)).toEqual(["every system must have the same NUM_PRIORITY_LEVELS, got redis-a: 3, mysql-a: 5, pacer (the gateway's properties): 3"]);
    const legacyOnly = write('levels-legacy.json', { ...valid, pacer: undefined, routing: { ...valid.routing, defaultDestination: 'redis-a' } });
    expect(() => loadRoutingConfig(legacyOnly, { pacerPriorityLevels: 5 })).not.toThrow();
    const withPacer = write('levels-pacer.json', valid);
    expect(problemsOf(withPacer, { pacerPriorityLevels: 5 })).toEqual([
      "every system must have the same NUM_PRIORITY_LEVELS, got redis-a: 3, mysql-a: 3, pacer (the gateway's properties): 5",
    ]);
  });

  it("checks Pacer's backend JSON with Pacer's own schema", () => {
    writeSystems();
    write('pacer-bad.json', { mode: 'embedded', mysql: { database: 'p' }, defaultPartitions: 0 });
    const file = write('p.json', { ...valid, pacer: { backendConfig: 'pacer-bad.json' } });
    expect(problemsOf(file)).toEqual([expect.stringMatching(/^pacer\.backendConfig: .*pacer-bad\.json: defaultPartitions: Too small/)]);
  });

  it('names a routing config file that is missing or not JSON', () => {
    expect(problemsOf(join(dir, 'nope.json'))).toEqual(['cannot read: ENOENT']);
    expect(problemsOf(write('x.json', '{'))).toEqual([expect.stringMatching(/^not valid JSON: /)]);
  });

  it('shadow settings: defaults without config, each field over them, every problem named', () => {
    writeSystems();
    expect(loadRoutingConfig(write('plain.json', valid), LEVELS_3).shadow).toEqual(DEFAULT_SHADOW_SETTINGS);
    const tuned = loadRoutingConfig(write('tuned.json', { ...valid, shadow: { relativeThresholdPercent: 10, maxPendingTasks: 5 } }), LEVELS_3);
    expect(tuned.shadow).toEqual({ ...DEFAULT_SHADOW_SETTINGS, relativeThresholdPercent: 10, maxPendingTasks: 5 });
    const bad = write('bad-shadow.json', { ...valid, shadow: { maxConcurrency: 0, relativeThresholdPercent: 120, taskTimeoutMS: 5 } });
    expect(problemsOf(bad)).toEqual([
      expect.stringMatching(/^shadow\.relativeThresholdPercent: Too big/),
      expect.stringMatching(/^shadow\.maxConcurrency: Too small/),
      expect.stringMatching(/^shadow: Unrecognized key.*taskTimeoutMS/),
    ]);
  });

  it('shadow shedding settings: defaults, bounds, copies shed no earlier than reads', () => {
    writeSystems();
    const defaults = loadRoutingConfig(write('plain.json', valid), LEVELS_3).shadow;
    expect(defaults).toMatchObject({ maxEventLoopUtilization: 0.7, copyMaxEventLoopUtilization: 0.9, loadWindowMs: 250, maxTasksPerSecond: 0, readSampleRatio: 1 });
    const tuned = loadRoutingConfig(write('ramp.json', { ...valid, shadow: { readSampleRatio: 0.25, maxTasksPerSecond: 500, maxEventLoopUtilization: 0.5 } }), LEVELS_3);
    expect(tuned.shadow).toMatchObject({ readSampleRatio: 0.25, maxTasksPerSecond: 500, maxEventLoopUtilization: 0.5, copyMaxEventLoopUtilization: 0.9 });
    const bad = write('bad-load.json', { ...valid, shadow: { readSampleRatio: 1.5, maxEventLoopUtilization: -0.1, maxTasksPerSecond: -1, loadWindowMs: 0 } });
    expect(problemsOf(bad)).toEqual([
      expect.stringMatching(/^shadow\.maxEventLoopUtilization: Too small/),
      expect.stringMatching(/^shadow\.loadWindowMs: Too small/),
      expect.stringMatching(/^shadow\.maxTasksPerSecond: Too small/),
      expect.stringMatching(/^shadow\.readSampleRatio: Too big/),
    ]);
    const inverted = write('inverted.json', { ...valid, shadow: { maxEventLoopUtilization: 0.95 } });
    expect(problemsOf(inverted)).toEqual([expect.stringMatching(/^shadow\.copyMaxEventLoopUtilization: must be at least maxEventLoopUtilization \(0\.95\)/)]);
  });
});
