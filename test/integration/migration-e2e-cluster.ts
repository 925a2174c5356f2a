/**
 * The deployment of migration-end-to-end.test.ts, every part a real process as in production:
 * one legacy PinLater Redis cluster (2 shards), one legacy MySQL cluster (1 instance, 2 databases
 * per queue), Pacer (a fresh migrated database, one broker process, static topology), a routing
 * table in a fresh ZooKeeper chroot, two routing gateway processes (`gateway/src/main.ts
 * --routing-config`, as routing-live-flip.test.ts starts them), copier processes
 * (`migration/src/copier/main.ts`) and the operator command (`bin/pinlater-ops.cjs`) as child
 * processes. Claims never time out during the test: the legacy monitors are off, and the claim
 * timeout of every system (Pacer's broker included) is a day.
 *
 * `E2eClusterOptions` change that for other tests (telemetry-catalogue.test.ts): fewer gateways,
 * Pacer in cluster mode as scripts/up.sh runs it (a controller process and a ZooKeeper-mode broker
 * process on a fresh chroot of their own), a short broker claim timeout, legacy properties (a
 * monitor on), extra environment for every process. Every process serves `/metrics`: a gateway on
 * its admin port, the broker on `brokerAdminPort`, the controller on `controllerStatusPort`, a
 * copier on its `copierStatusPorts` entry.
 *
 * Every namespace is released by `close()` (kept when the test failed: namespace-keeper.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'mysql2/promise';
import type { PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import type { MigrationRow } from '../../core/src/migration/migration-state';
import type { LedgerSummary } from '../../core/src/migration/move-ledger';
import { systemClock } from '../../core/src/util/clock';
import { createLegacyMysqlBackend, createLegacyRedisBackend } from '../../legacy-adapter';
import type { RoutingRecord } from '../../migration/index';
import { createMysqlPool, MigrationStateStore, MoveLedgerStore } from '../../pacer';
import { pinlaterPasswordHash } from '../conformance/harness/gateway-harness';
import { mysqlBackendConfig, mysqlShardNames } from '../conformance/backends/legacy-mysql';
import { redisBackendConfig, redisShardKeyPatterns } from '../conformance/backends/legacy-redis';
import { legacyOptions, legacySettings } from '../conformance/backends/legacy-settings';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { releaseNamespace } from '../support/namespace-keeper';
import { mysqlDatabasesNamespace, redisKeysNamespace, uniqueMysqlInstanceId, uniqueShardBase, zkChroot, type ZkChroot } from '../support/namespaces';
import { ClusterProcess } from '../support/pacer-processes';
import { writeShippedProperties } from '../support/shipped-properties';
import { testEnv } from '../support/test-env';
import { freshPacerDb, type PacerDb } from './pacer-fixtures';
import { routingTable, TEST_OPERATOR, type RoutingTableFixture } from './routing-fixtures';

const ROOT = join(__dirname, '..', '..');
export const REDIS_CLUSTER = 'redis-a';
export const MYSQL_CLUSTER = 'mysql-a';
const ADMIN_PASSWORD = 'e2e-admin-secret';
const MYSQL_DBS_PER_QUEUE = 2;
const DAY_S = 86_400;
const NS = { label: 'migration-e2e', monitor: {} };
/** A copier's lease on a queue: short, so the next copier takes over soon after a kill -9. */
const COPIER_LEASE_TTL_MS = 3000;
const CLI_TIMEOUT_MS = 60_000;
/** Pacer's cluster name in its chroot (cluster mode), and the ZooKeeper session timeout of its processes. */
const PACER_CLUSTER = 'pacer';
const PACER_SESSION_TIMEOUT_MS = 6000;

export interface E2eClusterOptions {
  /** Routing gateway processes. Default 2. */
  readonly gateways?: number;
  /**
   * Pacer's topology: 'static' (default: one broker process started with `--assign all`) or
   * 'zookeeper' (a controller process and a cluster-mode broker process on a fresh ZooKeeper
   * chroot; the gateways, copiers and pinlater-ops reach Pacer through its external view).
   */
  readonly pacer?: 'static' | 'zookeeper';
  /** The broker's claim timeout. Default a day (claims never time out). */
  readonly brokerClaimTimeoutMs?: number;
  /** The broker's monitor period. Default the broker's own. */
  readonly brokerMonitorPeriodMs?: number;
  /** Properties of both legacy clusters, over the quiet ones (monitor off, day-long claims). */
  readonly legacyProperties?: Readonly<Record<string, string>>;
  /** Environment every process gets on top of its own (e.g. telemetry settings). */
  readonly env?: Readonly<Record<string, string>>;
  /** The gateways' shadow settings (their routing config's `shadow` object). Default none (the gateway's defaults). */
  readonly shadow?: Readonly<Record<string, number>>;
  /** `--log-level` of the broker and the controller. Default warn. */
  readonly pacerLogLevel?: string;
}

/** The broker process's `--broker-id` (its instance name in cluster mode). */
export const E2E_BROKER_ID = 'e2e-broker';

/** Pacer's processes' ports: the broker's Thrift and admin ports, the controller's status port (cluster mode). */
interface PacerPorts {
  readonly broker: number;
  readonly brokerAdmin: number;
  readonly controllerStatus: number;
}

export interface GatewayProcess {
  readonly index: number;
  readonly id: string;
  readonly thriftPort: number;
  readonly adminPort: number;
  proc?: ClusterProcess;
}

export interface CliRun {
  readonly args: readonly string[];
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export class E2eCluster {
  readonly gateways: GatewayProcess[] = [];
  /** Every copier ever started, by id. */
  readonly copiers = new Map<string, ClusterProcess>();
  /** The `--status-port` (`/health`, `/metrics`) of every copier ever started, by id. */
  readonly copierStatusPorts = new Map<string, number>();
  /** Every process started, in order, stopped ones too. */
  readonly processes: ClusterProcess[] = [];
  private broker: ClusterProcess | undefined;
  private controller: ClusterProcess | undefined;
  private ledgerPool: Pool | undefined;
  private constructor(
    readonly dir: string,
    readonly pacerDb: PacerDb,
    readonly table: RoutingTableFixture,
    private readonly redisShards: readonly string[],
    private readonly mysqlId: number,
    readonly directRedis: PinLaterBackend,
    readonly directMysql: PinLaterBackend,
    private readonly ports: PacerPorts,
    /** Pacer's own chroot in cluster mode; undefined in static mode. */
    private readonly pacerChroot: ZkChroot | undefined,
    private readonly options: E2eClusterOptions,
  ) {}

  /** Builds the namespaces and config files (`startProcesses` starts Pacer's processes and the gateways). */
  static async create(options: E2eClusterOptions = {}): Promise<E2eCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'migration-e2e-'));
    const shardBase = uniqueShardBase();
    const redisShards = [`${shardBase}a`, `${shardBase}b`];
    const mysqlId = uniqueMysqlInstanceId();
    const [pacerDb, table, pacerChroot] = await Promise.all([freshPacerDb(), routingTable(), options.pacer === 'zookeeper' ? zkChroot() : undefined]);
    const directRedis = await createLegacyRedisBackend(legacyOptions(NS, redisBackendConfig(redisShards, []), legacySettings(NS)));
    const directMysql = await createLegacyMysqlBackend(legacyOptions(NS, mysqlBackendConfig([{ id: mysqlId, dequeueOnly: false }]),
      legacySettings(NS, { numDbPerQueue: MYSQL_DBS_PER_QUEUE, allowedHostnamePrefix: 'pinlaterlocaldb' })));
    const ports = { broker: await freePort(), brokerAdmin: await freePort(), controllerStatus: await freePort() };
    const cluster = new E2eCluster(dir, pacerDb, table, redisShards, mysqlId, directRedis, directMysql, ports, pacerChroot, options);
    for (let index = 0; index < (options.gateways ?? 2); index++) cluster.gateways.push({ index, id: `e2e-gw-${index}`, thriftPort: await freePort(), adminPort: await freePort() });
    cluster.writeConfigFiles();
    return cluster;
  }

  async startProcesses(): Promise<void> {
    await Promise.all([this.startBroker(), ...(this.pacerChroot === undefined ? [] : [this.startController(this.pacerChroot)]), ...this.gateways.map((g) => this.startGateway(g))]);
  }

  /** The broker's `--admin-port` (`/metrics`, `/live`, `/health`). */
  get brokerAdminPort(): number {
    return this.ports.brokerAdmin;
  }

  /** The controller's `--status-port` (status JSON, `/metrics`); cluster mode only. */
  get controllerStatusPort(): number | undefined {
    return this.pacerChroot === undefined ? undefined : this.ports.controllerStatus;
  }

  /** The routing config the operator command and the copiers run with. */
  get opsConfig(): string {
    return join(this.dir, 'routing-ops.json');
  }

  get adminPasswordFile(): string {
    return join(this.dir, 'admin.password');
  }

  private writeConfigFiles(): void {
    const { host, port, user, password } = testEnv().mysql;
    const quiet = {
      GATEWAY_MONITOR_ENABLED: 'false', BACKEND_CONNECTIONS_PER_SHARD: '4', BACKEND_MONITOR_JOB_CLAIMED_TIMEOUT_SECONDS: String(DAY_S),
      ADMIN_PASSWORD_HASH: pinlaterPasswordHash(ADMIN_PASSWORD),
    };
    const write = (name: string, content: unknown): void => writeFileSync(join(this.dir, name), typeof content === 'string' ? content : JSON.stringify(content));
    write('redis.json', redisBackendConfig(this.redisShards, []));
    const legacyQuiet = { ...quiet, ...this.options.legacyProperties };
    writeShippedProperties(join(this.dir, 'redis.properties'), 'redis.local.properties', legacyQuiet, ['QUEUE_CONFIG_FILE_PATH']);
    write('mysql.json', mysqlBackendConfig([{ id: this.mysqlId, dequeueOnly: false }]));
    writeShippedProperties(join(this.dir, 'mysql.properties'), 'mysql.local.properties', { ...legacyQuiet, MYSQL_NUM_DB_PER_QUEUE: String(MYSQL_DBS_PER_QUEUE) }, ['QUEUE_CONFIG_FILE_PATH']);
    const mysql = { host, port, user, password, database: this.pacerDb.db.name, connectionLimit: 4 };
    write('pacer.json', this.pacerChroot === undefined
      ? { mode: 'static', mysql, defaultPartitions: 2, brokers: { fallback: `127.0.0.1:${this.ports.broker}` } }
      : { mode: 'zookeeper', mysql, defaultPartitions: 2, zookeeper: { connect: this.pacerChroot.connectString, cluster: PACER_CLUSTER, sessionTimeoutMs: PACER_SESSION_TIMEOUT_MS } });
    write('admin.password', `${ADMIN_PASSWORD}\n`);
    const routing = (gatewayId?: string): unknown => ({
      legacyClusters: [
        { name: REDIS_CLUSTER, backend: 'legacy-redis', backendConfig: 'redis.json', properties: 'redis.properties' },
        { name: MYSQL_CLUSTER, backend: 'legacy-mysql', backendConfig: 'mysql.json', properties: 'mysql.properties' },
      ],
      pacer: { backendConfig: 'pacer.json' },
      routing: { zookeeper: this.table.connectString, defaultDestination: 'pacer', ...(gatewayId === undefined ? {} : { gatewayId }) },
      ...(this.options.shadow === undefined ? {} : { shadow: this.options.shadow }),
    });
    write('routing-ops.json', routing());
    for (const g of this.gateways) {
      writeShippedProperties(join(this.dir, `gateway-${g.index}.properties`), 'pacer.local.properties', {
        GATEWAY_HOST: '127.0.0.1', THRIFT_PORT: String(g.thriftPort), OSTRICH_PORT: String(g.adminPort), SERVER_SET_ENABLED: 'false', GATEWAY_SHUTDOWN_GRACE_SECONDS: '2', ...quiet,
      }, ['QUEUE_CONFIG_FILE_PATH']);
      write(`routing-${g.index}.json`, routing(g.id));
    }
  }

  // ------------------------------------------------------------ processes

  /** A process with this one's environment (or `env`), plus the options' extra environment. */
  private startProcess(name: string, entry: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): ClusterProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, ...this.options.env } });
    const p = new ClusterProcess(name, child);
    this.processes.push(p);
    return p;
  }

  /** Starts the broker process (again, after `stopBroker`: same id and ports). */
  async startBroker(): Promise<void> {
    const topology = this.pacerChroot === undefined ? ['--assign', 'all']
      : ['--zk', this.pacerChroot.connectString, '--cluster', PACER_CLUSTER, '--session-timeout-ms', String(PACER_SESSION_TIMEOUT_MS)];
    const monitorPeriod = this.options.brokerMonitorPeriodMs === undefined ? [] : ['--monitor-period-ms', String(this.options.brokerMonitorPeriodMs)];
    this.broker = this.startProcess('pacer-broker', 'pacer/src/broker/main.ts', [
      '--broker-id', E2E_BROKER_ID, '--port', String(this.ports.broker), '--admin-port', String(this.ports.brokerAdmin), '--database', this.pacerDb.db.name, ...topology,
      '--claim-timeout-ms', String(this.options.brokerClaimTimeoutMs ?? DAY_S * 1000), ...monitorPeriod, '--log-level', this.options.pacerLogLevel ?? 'warn',
    ]);
    await this.broker.waitFor('listening on', 60_000);
  }

  /** SIGTERM to the broker (in cluster mode it hands its partitions off first); resolves with its exit code. */
  async stopBroker(): Promise<number | null> {
    const broker = this.broker;
    if (broker?.running !== true) return broker?.child.exitCode ?? null;
    broker.signal('SIGTERM');
    return broker.exited();
  }

  private async startController(chroot: ZkChroot): Promise<void> {
    this.controller = this.startProcess('pacer-controller', 'pacer/src/controller/main.ts', [
      '--zk', chroot.connectString, '--cluster', PACER_CLUSTER, '--name', 'e2e-controller', '--session-timeout-ms', String(PACER_SESSION_TIMEOUT_MS),
      '--status-port', String(this.ports.controllerStatus), '--log-level', this.options.pacerLogLevel ?? 'warn',
    ]);
    await this.controller.waitFor('pacer-controller e2e-controller started', 60_000);
  }

  async startGateway(g: GatewayProcess): Promise<void> {
    g.proc = this.startProcess(g.id, 'gateway/src/main.ts', [
      '--properties', join(this.dir, `gateway-${g.index}.properties`), '--routing-config', join(this.dir, `routing-${g.index}.json`), '--log-level', 'info',
    ]);
    await g.proc.waitFor('gateway listening', 60_000);
  }

  async killGateway(g: GatewayProcess): Promise<void> {
    await kill9(g.proc);
  }

  /** Waits until every gateway's presence says it has loaded table version `version` or a later one. */
  async allServe(version: number): Promise<void> {
    await eventually(async () => {
      const applied = (await this.table.store.gateways()).map((p) => ({ id: p.gatewayId, ok: p.loaded && p.appliedVersion >= version }));
      expect(applied.sort((a, b) => a.id.localeCompare(b.id))).toEqual(this.gateways.map((g) => ({ id: g.id, ok: true })));
    }, { timeoutMs: 30_000 });
  }

  /** Starts copier `id` (`pinlater-copier <id> started` printed). */
  async startCopier(id: string, quietPeriodMs: number, batchSize: number): Promise<ClusterProcess> {
    const statusPort = await freePort();
    const copier = this.startProcess(id, 'migration/src/copier/main.ts', [
      '--config', this.opsConfig, '--id', id, '--quiet-period-ms', String(quietPeriodMs), '--batch-size', String(batchSize),
      '--status-port', String(statusPort), '--log-level', 'info',
    ], { ...baseEnv(), PINLATER_ROUTING_CREDENTIAL: TEST_OPERATOR.authText(), PINLATER_COPIER_LEASE_TTL_MS: String(COPIER_LEASE_TTL_MS) });
    this.copiers.set(id, copier);
    this.copierStatusPorts.set(id, statusPort);
    await copier.waitFor(`pinlater-copier ${id} started`, 60_000);
    return copier;
  }

  async killCopier(id: string): Promise<void> {
    await kill9(this.copiers.get(id));
  }

  /** `node bin/pinlater-ops.cjs --config <ops config> <args>` with the operator credential; stdin is not a terminal. */
  runCli(args: readonly string[]): Promise<CliRun> {
    const all = ['--config', this.opsConfig, ...args];
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'pinlater-ops.cjs'), ...all], {
        cwd: ROOT, env: { ...baseEnv(), PINLATER_ROUTING_CREDENTIAL: TEST_OPERATOR.authText() }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      const killer = setTimeout(() => child.kill('SIGKILL'), CLI_TIMEOUT_MS);
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(killer);
        resolve({ args, code, stdout, stderr });
      });
    });
  }

  // ------------------------------------------------------------ reading the systems

  async record(queue: string): Promise<RoutingRecord | undefined> {
    return this.table.store.read(queue);
  }

  /** The move ledger's summary of a migration, read in Pacer's database directly. */
  async ledgerSummary(migrationId: string): Promise<LedgerSummary> {
    return new MoveLedgerStore(this.pool(), systemClock).summary(migrationId);
  }

  /** The copier's work state of a queue (`queue_migrations`), read in Pacer's database directly. */
  async migration(queue: string): Promise<MigrationRow | undefined> {
    return new MigrationStateStore(this.pool(), systemClock).get(queue);
  }

  private pool(): Pool {
    this.ledgerPool ??= createMysqlPool({ ...this.pacerDb.mysql, connectionLimit: 2, connectTimeoutMs: 5000 });
    return this.ledgerPool;
  }

  /** The last lines of every process's output (for a failure report). */
  outputs(lines = 40): string[] {
    const procs = [this.controller, this.broker, ...this.gateways.map((g) => g.proc), ...this.copiers.values()];
    return procs.filter((p): p is ClusterProcess => p !== undefined).map((p) => `${p.name}, last lines:\n${p.output.split('\n').slice(-lines).join('\n')}`);
  }

  async close(): Promise<void> {
    for (const copier of this.copiers.values()) await stopGracefully(copier);
    for (const g of this.gateways) await kill9(g.proc);
    await kill9(this.broker);
    await kill9(this.controller);
    await this.ledgerPool?.end();
    await this.directRedis.close();
    await this.directMysql.close();
    rmSync(this.dir, { recursive: true, force: true });
    await releaseNamespace(redisKeysNamespace(this.redisShards.flatMap(redisShardKeyPatterns)));
    await releaseNamespace(mysqlDatabasesNamespace(mysqlShardNames([this.mysqlId]).map((shard) => `plq_${shard}_`)));
    await this.pacerDb.db.drop();
    await this.table.release();
    await this.pacerChroot?.remove();
  }
}

async function kill9(p: ClusterProcess | undefined): Promise<void> {
  if (p?.running !== true) return;
  p.signal('SIGKILL');
  await p.exited();
}

/** SIGTERM (a copier releases its leases), SIGKILL after 10 s. */
async function stopGracefully(p: ClusterProcess): Promise<void> {
  if (!p.running) return;
  p.signal('SIGTERM');
  const timer = setTimeout(() => p.signal('SIGKILL'), 10_000);
  await p.exited();
  clearTimeout(timer);
}

/** What a child process needs from this one's environment (nothing of the test's configuration). */
function baseEnv(): NodeJS.ProcessEnv {
  const { PATH, HOME, TMPDIR } = process.env;
  return { ...(PATH === undefined ? {} : { PATH }), ...(HOME === undefined ? {} : { HOME }), ...(TMPDIR === undefined ? {} : { TMPDIR }) };
}
