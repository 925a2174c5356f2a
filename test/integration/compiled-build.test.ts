/**
 * The compiled build (scripts/build.ts) is what deployments run, so it is run here the way an
 * image runs it: built into a temporary `app/dist` beside `app/node_modules` (a link to the
 * repository's), outside the repository so no path can fall back into the source tree, and every
 * process is plain `node` with `app/` as working directory (no tsx). It must:
 *   - hold every runtime asset byte for byte (scripts/build-assets.ts) and nothing but the product;
 *   - start every entry point (`--help` exits 0: its whole module graph loads, generated Thrift
 *     code included);
 *   - serve a PinLater round trip through the compiled gateway over the legacy Redis layout, in a
 *     fresh namespace (the Lua scripts);
 *   - migrate a fresh Pacer database with the compiled migrator (pacer/migrations/ and Pacer's
 *     statement files).
 * The build's tsc step takes most of this file's time (10 s of CPU; 15-25 s on a busy 2-core machine).
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { compiledEntryPoints } from '../../scripts/build';
import { auditAssets } from '../../scripts/build-assets';
import { redisBackendConfig, redisShardKeyPatterns } from '../conformance/backends/legacy-redis';
import { ConformanceClient, JobState } from '../conformance/harness/conformance-client';
import { freePort } from '../support/free-port';
import { assertNoLeaks } from '../support/leak-check';
import { writeShippedProperties } from '../support/shipped-properties';
import { withMysql } from '../support/mysql';
import { releaseNamespace } from '../support/namespace-keeper';
import { freshDatabase, redisKeysNamespace, uniqueShardBase, type FreshDatabase } from '../support/namespaces';
import { ClusterProcess } from '../support/pacer-processes';
import { testEnv } from '../support/test-env';

const ROOT = join(__dirname, '..', '..');
const BUILD_TIMEOUT_MS = 150_000;
const RUN_TIMEOUT_MS = 30_000;
/** What tsconfig.build.json compiles: no test/, bench/ or development scripts. */
const PRODUCT_TOP_LEVEL: ReadonlySet<string> = new Set(['core', 'gateway', 'legacy-adapter', 'pacer', 'migration', 'dashboards', 'scripts']);

let app: string;
let dist: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node <args>` in `cwd` (no tsx: the environment's NODE_OPTIONS are dropped). */
function runNode(args: readonly string[], cwd: string, timeoutMs = RUN_TIMEOUT_MS): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, timeout: timeoutMs, env: withoutNodeOptions() }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

function withoutNodeOptions(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
}

const describeRun = (r: Run): string => `exit ${r.code}\nstdout:\n${r.stdout.slice(-2000)}\nstderr:\n${r.stderr.slice(-2000)}`;

beforeAll(async () => {
  app = mkdtempSync(join(tmpdir(), 'compiled-build-'));
  symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'), 'dir');
  dist = join(app, 'dist');
  const started = Date.now();
  // --no-check: the same JavaScript as the type-checked build in half the time (scripts/build.ts).
  const build = await runNode(['--import', 'tsx', 'scripts/build.ts', '--no-check', '--out-dir', dist], ROOT, BUILD_TIMEOUT_MS);
  if (build.code !== 0) throw new Error(`scripts/build.ts failed: ${describeRun(build)}`);
  process.stdout.write(`compiled-build: ${build.stdout.trim()} (${Date.now() - started} ms with tsx start-up)\n`);
}, BUILD_TIMEOUT_MS);

afterAll(() => {
  if (app !== undefined) rmSync(app, { recursive: true, force: true });
});

describe('compiled build (scripts/build.ts)', () => {
  it('holds the product code as JavaScript and every runtime asset byte for byte', () => {
    const topLevel = readdirSync(dist);
    expect(topLevel).toEqual(expect.arrayContaining(['core', 'gateway', 'legacy-adapter', 'pacer', 'migration', 'scripts']));
    expect(topLevel.filter((d) => !PRODUCT_TOP_LEVEL.has(d))).toEqual([]);
    expect(readdirSync(join(dist, 'scripts')).sort()).toEqual(['mysql-accounts.js', 'sql']);
    const files = readdirSync(dist, { recursive: true, encoding: 'utf8' });
    expect(files.filter((f) => f.endsWith('.ts') || f.endsWith('.spec.js'))).toEqual([]);
    const { shipped } = auditAssets(ROOT);
    expect(shipped.length).toBeGreaterThan(0);
    const differing = shipped.filter((file) => {
      const copy = join(dist, file);
      return !existsSync(copy) || !readFileSync(copy).equals(readFileSync(join(ROOT, file)));
    });
    expect(differing).toEqual([]);
  });

  it('starts every entry point with plain node (--help exits 0)', async () => {
    const entries = compiledEntryPoints(dist);
    expect(entries.map((e) => relative(dist, e))).toEqual(expect.arrayContaining([
      'gateway/src/main.js', 'pacer/src/broker/main.js', 'pacer/src/controller/main.js', 'pacer/src/cli/status.js', 'pacer/src/migrate.js',
    ]));
    const runs = await Promise.all(entries.map(async (entry) => ({ entry: relative(dist, entry), run: await runNode([entry, '--help'], app) })));
    for (const { entry, run } of runs) {
      if (run.code !== 0 || !run.stdout.includes('Usage:')) throw new Error(`${entry} --help: ${describeRun(run)}`);
    }
  });

  describe('gateway over the legacy Redis layout', () => {
    const shards = [`${uniqueShardBase()}a`, `${uniqueShardBase()}b`];
    let gateway: ClusterProcess | undefined;
    let client: ConformanceClient | undefined;

    afterAll(async () => {
      await client?.close();
      if (gateway?.running === true) {
        gateway.signal('SIGKILL');
        await gateway.exited();
      }
      await releaseNamespace(redisKeysNamespace(shards.flatMap(redisShardKeyPatterns)));
    });

    it('serves a PinLater round trip and stops on SIGTERM with exit 0', async () => {
      const [thriftPort, adminPort] = [await freePort(), await freePort()];
      const overrides = { SERVER_SET_ENABLED: 'false', GATEWAY_HOST: '127.0.0.1', THRIFT_PORT: String(thriftPort), OSTRICH_PORT: String(adminPort) };
      writeShippedProperties(join(app, 'gateway.properties'), 'redis.local.properties', overrides, ['QUEUE_CONFIG_FILE_PATH']);
      writeFileSync(join(app, 'redis.json'), JSON.stringify(redisBackendConfig(shards, [])));
      const child = spawn(
        process.execPath,
        [join(dist, 'gateway/src/main.js'), '--properties', 'gateway.properties', '--backend-config', 'redis.json', '--log-level', 'info'],
        { cwd: app, stdio: ['ignore', 'pipe', 'pipe'], env: withoutNodeOptions() },
      );
      gateway = new ClusterProcess('compiled-gateway', child);
      await gateway.waitFor('gateway listening');
      client = await ConformanceClient.connect({ host: '127.0.0.1', port: thriftPort }, 'compiled-build-test');

      await client.createQueue('compiled_build_q');
      const [descriptor] = await client.enqueue('compiled_build_q', [{ body: 'from-dist' }]);
      const { jobs } = await client.dequeue({ queue: 'compiled_build_q', limit: 5 });
      expect(Object.entries(jobs ?? {}).map(([d, body]) => [d, body.toString()])).toEqual([[descriptor, 'from-dist']]);
      await client.ack({ queue: 'compiled_build_q', succeeded: [{ descriptor: descriptor as string }] });
      expect((await client.lookupOne(descriptor as string))?.jobState).toBe(JobState.SUCCEEDED);

      await client.close();
      gateway.signal('SIGTERM');
      expect(await gateway.exited()).toBe(0);
      expect(gateway.logLines('gateway stopped')).toHaveLength(1);
    });
  });

  describe('Pacer migrator', () => {
    let db: FreshDatabase | undefined;

    afterAll(async () => {
      await db?.drop();
    });

    it('applies pacer/migrations to a fresh database', async () => {
      db = await freshDatabase('pacer_build');
      const { host, port, user, password } = testEnv().mysql;
      const run = await runNode(
        [join(dist, 'pacer/src/migrate.js'), '--database', db.name, '--host', host, '--port', String(port), '--user', user, '--password', password],
        app,
      );
      if (run.code !== 0) throw new Error(`compiled migrate: ${describeRun(run)}`);
      expect(run.stdout).toBe('applied: 0001_initial, 0002_migration, 0003_claim_leases, 0004_settled_descriptors\n');
      const [rows] = await withMysql((c) => c.query('SELECT version FROM schema_migrations'), db.name);
      expect((rows as Array<{ version: number }>).map((r) => Number(r.version))).toEqual([1, 2, 3, 4]);
    });
  });
});

afterAll(assertNoLeaks);
