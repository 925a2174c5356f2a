/**
 * The copier as a process (`migration/src/copier/main.ts`, what `scripts/up.sh` and
 * `bin/pinlater-copier.cjs` run): from the routing config and the operator credential it finds a
 * queue being migrated, moves its jobs from legacy Redis to Pacer, flips the queue, answers
 * `/health`, and on SIGTERM releases its lease and exits 0 (another copier can take over at
 * once). A bad configuration exits 1 naming the problem, before anything is touched.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'mysql2/promise';
import { JobState } from '../../core/src/types/job-state';
import { systemClock } from '../../core/src/util/clock';
import { createLegacyRedisBackend } from '../../legacy-adapter';
import { createMysqlPool, createPacerBackend, MigrationStateStore, MoveLedgerStore } from '../../pacer';
import { redisBackendConfig, redisShardKeyPatterns } from '../conformance/backends/legacy-redis';
import { legacyOptions, legacySettings } from '../conformance/backends/legacy-settings';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { assertNoLeaks } from '../support/leak-check';
import { releaseNamespace } from '../support/namespace-keeper';
import { redisKeysNamespace, uniqueShardBase } from '../support/namespaces';
import { ClusterProcess } from '../support/pacer-processes';
import { writeShippedProperties } from '../support/shipped-properties';
import { freshPacerDb, type PacerDb } from './pacer-fixtures';
import { routingTable, TEST_OPERATOR, type RoutingTableFixture } from './routing-fixtures';

const ROOT = join(__dirname, '..', '..');
const QUEUE = 'copier_proc';
const CLUSTER = 'redis-a';

describe('pinlater-copier process', () => {
  const base = uniqueShardBase();
  const shards = [`${base}a`, `${base}b`];
  const ns = { label: 'copier-process', monitor: {} };
  let dir: string;
  let pacerDb: PacerDb;
  let table: RoutingTableFixture;
  let pool: Pool;
  let states: MigrationStateStore;
  let copier: ClusterProcess | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'copier-process-'));
    pacerDb = await freshPacerDb();
    table = await routingTable();
    pool = createMysqlPool({ ...pacerDb.mysql, connectionLimit: 2, connectTimeoutMs: 5000 });
    states = new MigrationStateStore(pool, systemClock);
    writeFileSync(join(dir, 'redis.json'), JSON.stringify(redisBackendConfig(shards, [])));
    writeShippedProperties(join(dir, 'redis.properties'), 'redis.local.properties', { GATEWAY_MONITOR_ENABLED: 'false', BACKEND_CONNECTIONS_PER_SHARD: '2' });
    // The copier's Pacer runs its own embedded broker: this test has no broker process.
    writeFileSync(join(dir, 'pacer.json'), JSON.stringify({ mode: 'embedded', mysql: { ...pacerDb.mysql, connectionLimit: 4 }, defaultPartitions: 2 }));
    writeFileSync(join(dir, 'routing.json'), JSON.stringify({
      legacyClusters: [{ name: CLUSTER, backend: 'legacy-redis', backendConfig: 'redis.json', properties: 'redis.properties' }],
      pacer: { backendConfig: 'pacer.json' },
      routing: { zookeeper: table.connectString, defaultDestination: CLUSTER },
    }));
  });

  afterAll(async () => {
    if (copier?.running === true) {
      copier.signal('SIGKILL');
      await copier.exited();
    }
    await pool?.end();
    await table?.release();
    await pacerDb?.db.drop();
    await releaseNamespace(redisKeysNamespace(shards.flatMap(redisShardKeyPatterns)));
    rmSync(dir, { recursive: true, force: true });
  });
  afterAll(assertNoLeaks);

  function start(args: string[], env: Record<string, string>): ClusterProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', 'migration/src/copier/main.ts', ...args], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    });
    return new ClusterProcess('pinlater-copier', child);
  }

  it('refuses a bad configuration with exit 1 and the reason, touching nothing', async () => {
    const p = start(['--config', join(dir, 'routing.json'), '--batch-size', '0'], {});
    expect(await p.exited()).toBe(1);
    expect(p.output).toContain('PINLATER_COPIER_BATCH_SIZE');
    const q = start(['--config', join(dir, 'routing.json')], {});
    expect(await q.exited()).toBe(1);
    expect(q.output).toMatch(/PINLATER_ROUTING_CREDENTIAL/);
  });

  it('moves a migrating queue, flips it, serves /health and /metrics, and releases its lease on SIGTERM', async () => {
    const legacy = await createLegacyRedisBackend(legacyOptions(ns, redisBackendConfig(shards, []), legacySettings(ns)));
    try {
      await legacy.createQueue(QUEUE);
      const bodies = Array.from({ length: 40 }, (_, i) => `job-${i}`);
      await legacy.enqueueJobs({ queue: QUEUE, jobs: bodies.map((b, i) => ({ body: Buffer.from(b), priority: 1 + (i % 3), attemptsAllowed: 2, customStatus: '' })) });
      await table.store.write(QUEUE, { mode: 'legacy', legacyCluster: CLUSTER, changedBy: 'test', reason: 'seed' }, 0);
      await states.start({ queue: QUEUE, migrationId: 'proc-1', direction: 'to-pacer', legacyCluster: CLUSTER, rateLimitPerS: 100_000 });
      await createPacerQueue(); // pinlater-ops migrate start creates it on Pacer first
      const statusPort = await freePort();
      copier = start(['--config', join(dir, 'routing.json'), '--id', 'copier-p1', '--quiet-period-ms', '200', '--status-port', String(statusPort), '--log-level', 'info'], {
        PINLATER_ROUTING_CREDENTIAL: `${TEST_OPERATOR.user}:test-operator-secret`,
      });
      await copier.waitFor('pinlater-copier copier-p1 started', 60_000);
      // The row exists but the record still says legacy: nothing moves yet.
      // The lease owner is the copier's id plus a per-process suffix: two processes started with one
      // --id never share a lease.
      await eventually(async () => expect((await states.get(QUEUE))?.leaseOwner).toMatch(/^copier-p1\/[0-9a-f]{8}$/), { timeoutMs: 15_000 });
      expect(await legacy.getJobCount({ queue: QUEUE, state: JobState.PENDING, future: false })).toBe(40);
      const record = await table.store.read(QUEUE);
      await table.store.write(QUEUE, { mode: 'migrating', direction: 'to-pacer', legacyCluster: CLUSTER, changedBy: 'test', reason: 'go' }, record?.version ?? 0);

      await eventually(async () => expect((await table.store.read(QUEUE))?.mode).toBe('pacer'), { timeoutMs: 30_000, intervalMs: 100 });
      expect(await legacy.getJobCount({ queue: QUEUE, state: JobState.PENDING, future: false })).toBe(0);
      const summary = await new MoveLedgerStore(pool, systemClock).summary('proc-1');
      expect(summary).toMatchObject({ moved: 40, mismatched: 0 });
      const health = (await (await fetch(`http://127.0.0.1:${statusPort}/health`)).json()) as { copier: string; queues: string[]; recent: Array<{ kind: string }> };
      expect(health.copier).toBe('copier-p1');
      expect(health.queues).toEqual([QUEUE]); // still sweeping late writes until finalized
      expect(health.recent.some((e) => e.kind === 'flipped')).toBe(true);
      // OpenTelemetry metrics (issue 12) on the same port: the jobs moved per queue and state, the
      // queue's configured rate, the queues worked and the routing ZooKeeper session.
      const scrape = await fetch(`http://127.0.0.1:${statusPort}/metrics`);
      expect(scrape.status).toBe(200);
      const metrics = await scrape.text();
      expect(metrics).toContain(`pinlater_copier_jobs_moved_total{messaging_destination_name="${QUEUE}",pinlater_job_state="PENDING"} 40`);
      expect(metrics).toContain(`pinlater_copier_rate_limit{messaging_destination_name="${QUEUE}"} 100000`);
      expect(metrics).toContain('pinlater_copier_queues_worked 1');
      expect(metrics).toContain('pinlater_zookeeper_session_connected 1');

      copier.signal('SIGTERM');
      expect(await copier.exited()).toBe(0);
      const row = await states.get(QUEUE);
      expect(row).toMatchObject({ status: 'complete', leaseOwner: null });
    } finally {
      await legacy.close();
    }
  });

  async function createPacerQueue(): Promise<void> {
    const pacer = await createPacerBackend({ topology: { mode: 'embedded', safetySweepMs: 0 }, mysql: pacerDb.mysql, defaultPartitions: 2 });
    try {
      await pacer.createQueue(QUEUE);
    } finally {
      await pacer.close();
    }
  }
});
