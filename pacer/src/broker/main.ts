/**
 * Pacer dequeue broker process.
 *
 *   npx tsx pacer/src/broker/main.ts --database pacer --port 9191 --broker-id b1 --assign myq:0-3
 *   npx tsx pacer/src/broker/main.ts --database pacer --port 9191 --broker-id b1 --zk 127.0.0.1:2181 --cluster pacer
 *
 * Static mode (`--assign`): owns the listed partitions from startup. Cluster mode (`--zk`): joins
 * the cluster as a Helix participant (instance = broker id, endpoint = host:port it listens on)
 * and owns what the controller assigns (broker/cluster-membership.ts); the two are exclusive.
 *
 * Flags override the PACER_* environment variables (pacer/src/config.ts). SIGTERM/SIGINT: in
 * cluster mode first hand every partition off (drain), then stop serving, finish in-flight
 * dequeues, release partitions, close the pool (forced exit after PACER_SHUTDOWN_TIMEOUT_MS).
 * Logs `pacer-broker listening on host:port` when ready (cluster mode: after joining), whatever the
 * log level. Every line it writes is one pino JSON object (a configuration error too: a `fatal`
 * line on stderr; node warnings and console output of libraries: core/src/logging/process-output.ts).
 * `--admin-port` (PACER_ADMIN_PORT): `/metrics` (OpenTelemetry, Prometheus format), `/live` and
 * `/health` (broker-admin-server.ts) on `--admin-host` (PACER_ADMIN_HOST, an IP address: default
 * 127.0.0.1, 0.0.0.0 in a pod so probes and scrapes reach it); closed on shutdown, telemetry last.
 */
import { Command } from 'commander';
import { createLogger } from '../../../core/src/logging/logger';
import { stopOnSignals } from '../../../core/src/util/stop-on-signals';
import { bootstrapLogger, exitFatally, lifecycleLogger } from '../../../core/src/logging/lifecycle-logger';
import { routeProcessOutput } from '../../../core/src/logging/process-output';
import { loadBrokerConfig, type BrokerConfig } from '../config';
import { createDequeueBroker } from './create-dequeue-broker';
import { BrokerServer } from '../rpc/broker-server';
import { systemClock } from '../../../core/src/util/clock';
import { ClusterMembership } from './cluster-membership';
import { startProcessTelemetry } from '../../../core/src/telemetry/process-telemetry';
import { BrokerAdminServer } from './broker-admin-server';
import { BrokerInstruments } from './broker-instruments';

const FLAGS: Record<string, string> = {
  brokerId: 'PACER_BROKER_ID', host: 'PACER_BROKER_HOST', port: 'PACER_BROKER_PORT', database: 'PACER_MYSQL_DATABASE',
  mysqlHost: 'PACER_MYSQL_HOST', mysqlPort: 'PACER_MYSQL_PORT', mysqlUser: 'PACER_MYSQL_USER', mysqlPassword: 'PACER_MYSQL_PASSWORD', assign: 'PACER_ASSIGN', claimTimeoutMs: 'PACER_CLAIM_TIMEOUT_MS',
  monitorPeriodMs: 'PACER_MONITOR_PERIOD_MS', safetySweepMs: 'PACER_SAFETY_SWEEP_MS', fullSweepEvery: 'PACER_FULL_SWEEP_EVERY', logLevel: 'PACER_LOG_LEVEL',
  zk: 'PACER_ZK_CONNECT', cluster: 'PACER_CLUSTER', sessionTimeoutMs: 'PACER_ZK_SESSION_TIMEOUT_MS',
  drainTimeoutMs: 'PACER_DRAIN_TIMEOUT_MS', drainLingerMs: 'PACER_DRAIN_LINGER_MS', adminPort: 'PACER_ADMIN_PORT', adminHost: 'PACER_ADMIN_HOST',
  claims: 'PACER_CLAIMS',
};

function parseArgs(argv: string[]): BrokerConfig {
  const program = new Command('pacer-broker')
    .description('Pacer dequeue broker: owns queue partitions, prefetches ready jobs, serves dequeues over Thrift')
    .option('--broker-id <id>', 'owner id recorded in partition_owners (PACER_BROKER_ID)')
    .option('--host <host>', 'listen address (PACER_BROKER_HOST, default 127.0.0.1)')
    .option('--port <port>', 'listen port, 0 = any (PACER_BROKER_PORT, default 9191)')
    .option('--database <name>', 'Pacer MySQL database (PACER_MYSQL_DATABASE)')
    .option('--mysql-host <host>', 'MySQL host (PACER_MYSQL_HOST)')
    .option('--mysql-port <port>', 'MySQL port (PACER_MYSQL_PORT)')
    .option('--mysql-user <user>', 'MySQL account, DML only on the Pacer database (PACER_MYSQL_USER, default root)')
    .option('--mysql-password <password>', 'its password (PACER_MYSQL_PASSWORD; prefer the variable outside local setups: flags show in ps)')
    .option('--assign <list>', "partitions to own: 'q:0-3,r:0' or 'all' (PACER_ASSIGN)")
    .option('--claim-timeout-ms <ms>', 'monitor claim timeout (PACER_CLAIM_TIMEOUT_MS)')
    .option('--monitor-period-ms <ms>', 'monitor period (PACER_MONITOR_PERIOD_MS)')
    .option('--safety-sweep-ms <ms>', 'probe owned partitions for jobs whose notification was lost this often, 0 = never (PACER_SAFETY_SWEEP_MS, default 5000)')
    .option('--full-sweep-every <n>', 'every Nth safety sweep re-reads every owned partition (PACER_FULL_SWEEP_EVERY, default 12)')
    .option('--claims <mode>', "how claims are recorded: 'lease' (one lease row per claim batch; the job row is written once, at the ack) or 'per-job' (every job row written at claim and ack) (PACER_CLAIMS, default lease)")
    .option('--log-level <level>', 'pino level (PACER_LOG_LEVEL)')
    .option('--zk <connect>', 'cluster mode: ZooKeeper host:port[/chroot] (PACER_ZK_CONNECT)')
    .option('--cluster <name>', 'cluster name (PACER_CLUSTER, default pacer)')
    .option('--session-timeout-ms <ms>', 'ZooKeeper session timeout (PACER_ZK_SESSION_TIMEOUT_MS, default 6000)')
    .option('--drain-timeout-ms <ms>', 'graceful hand-off bound on SIGTERM (PACER_DRAIN_TIMEOUT_MS, default 10000)')
    .option('--drain-linger-ms <ms>', 'keep answering after the hand-off (PACER_DRAIN_LINGER_MS, default 500)')
    .option('--admin-port <port>', 'serve /metrics, /live, /health, /status over HTTP on <admin-host>:<port> (PACER_ADMIN_PORT, default none)')
    .option('--admin-host <address>', 'IP address the admin port binds to; 0.0.0.0 = every interface (PACER_ADMIN_HOST, default 127.0.0.1)')
    .parse(argv);
  const opts = program.opts<Record<string, string | undefined>>();
  const overrides: Record<string, string> = {};
  for (const [flag, name] of Object.entries(FLAGS)) {
    const value = opts[flag];
    if (value !== undefined) overrides[name] = value;
  }
  return loadBrokerConfig(process.env, overrides);
}

const NAME = 'pacer-broker';

async function main(): Promise<void> {
  const output = routeProcessOutput(bootstrapLogger(NAME));
  const config = parseArgs(process.argv);
  const logger = createLogger({ name: NAME, level: config.logLevel });
  output.useLogger(logger);
  const telemetry = startProcessTelemetry(config.telemetry);
  const instruments = new BrokerInstruments(telemetry.meter);
  // Cluster mode: leases only while every live broker honours them (cluster-membership.ts), and not
  // before the membership has read the live brokers; static mode has no other broker to ask.
  let membership: ClusterMembership | undefined;
  const leasesAllowed = config.cluster === undefined ? () => true : () => membership?.leasesAllowed() ?? false;
  const broker = createDequeueBroker({
    brokerId: config.brokerId, mysql: config.mysql, buffer: config.buffer, safetySweepMs: config.safetySweepMs, fullSweepEvery: config.fullSweepEvery,
    monitor: config.monitor, autoAssign: config.assign === 'all', logger, instruments, claims: config.claims, leasesAllowed,
  });
  if (config.assign !== 'all') {
    for (const a of config.assign) for (const p of a.partitions) await broker.assign(a.queue, p);
  }
  const server = await BrokerServer.listen(broker, config.host, config.port, logger);
  const cluster = config.cluster;
  membership = cluster === undefined ? undefined : await ClusterMembership.join({
    zkConnect: cluster.zkConnect, cluster: cluster.cluster, sessionTimeoutMs: cluster.sessionTimeoutMs,
    instance: config.brokerId, endpoint: { host: config.host, port: server.port }, ownership: broker, clock: systemClock, logger,
    leaseCapabilityPollMs: cluster.leaseCapabilityPollMs,
  });
  if (membership !== undefined) instruments.observeZookeeperSession(() => membership.sessionConnected());
  const admin = config.adminPort === undefined ? undefined : await BrokerAdminServer.listen(broker, config.adminPort, telemetry.metricsHandler, logger, config.adminHost);
  const lifecycle = lifecycleLogger(logger).child({ brokerId: config.brokerId });
  if (cluster !== undefined) lifecycle.info({ cluster: cluster.cluster }, `pacer-broker ${config.brokerId} joined cluster ${cluster.cluster}`);
  lifecycle.info({ host: config.host, port: server.port, adminPort: admin?.port ?? null, adminHost: admin === undefined ? null : config.adminHost, mode: cluster === undefined ? 'static' : 'cluster', claims: config.claims }, `pacer-broker listening on ${config.host}:${server.port}`);
  stopOnSignals({
    logger: lifecycle, timeoutMs: config.shutdownTimeoutMs, messages: { stopping: 'shutting down', stopped: 'pacer-broker stopped' },
    shutDown: async () => {
      if (membership !== undefined && cluster !== undefined) await membership.leave(cluster.drainTimeoutMs, cluster.drainLingerMs);
      await server.close();
      await broker.close();
      await admin?.close();
      await telemetry.close();
    },
  });
}

main().catch((e: unknown) => exitFatally(NAME, e));
