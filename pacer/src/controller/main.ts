/**
 * Pacer controller process: one member of the leader-elected controller group of a cluster.
 *
 *   npx tsx pacer/src/controller/main.ts --zk 127.0.0.1:2181 --cluster pacer --name controller-1
 *
 * Run two or more; the leader (CONTROLLER/LEADER) runs the pipeline, the others take over within
 * the session timeout when it dies. ZooKeeper restarts and session expiry are survived in-process
 * (`ZkSessionManager`: a new session, a new election). SIGTERM/SIGINT: give up leadership (the
 * next one takes over at once) and close the session. Logs `pacer-controller <name> started`
 * when joined (whatever the log level); as leader it logs every membership change, assignment
 * change and leadership change at info (coordination/controller-change-log.ts). Every line it
 * writes is one pino JSON object (a configuration error too: a `fatal` line on stderr).
 * `--status-port <port>`: a tiny HTTP endpoint answering `{"name", "cluster", "leader",
 * "zookeeper" (connection state), "zookeeperStateForMs"}` (health checks; scripts/up.sh waits for
 * it); `/metrics` on that port is the OpenTelemetry Prometheus scrape (when metrics are on). It
 * binds to `--status-host` (PACER_CONTROLLER_STATUS_HOST, an IP address: default 127.0.0.1, 0.0.0.0
 * in a pod so probes and scrapes reach it; controller-config.ts).
 */
import { createServer, type Server } from 'node:http';
import { Command } from 'commander';
import { createLogger } from '../../../core/src/logging/logger';
import { stopOnSignals } from '../../../core/src/util/stop-on-signals';
import { bootstrapLogger, exitFatally, lifecycleLogger } from '../../../core/src/logging/lifecycle-logger';
import { routeProcessOutput } from '../../../core/src/logging/process-output';
import { systemClock } from '../../../core/src/util/clock';
import { HelixController } from '../coordination/controller';
import { ZkSessionManager } from '../../../core/src/zookeeper/zk-session-manager';
import { CONTROLLER_FLAGS, flagOverrides, loadControllerConfig, type ControllerConfig } from './controller-config';
import { startProcessTelemetry, type MetricsRequestHandler } from '../../../core/src/telemetry/process-telemetry';
import { gaugeOf } from '../../../core/src/telemetry/meter-instruments';
import { METRICS } from '../../../core/src/telemetry/telemetry-catalogue';

function parseArgs(argv: string[]): ControllerConfig {
  const program = new Command('pacer-controller')
    .description('Pacer cluster controller: Helix-style partition assignment over ZooKeeper')
    .option('--zk <connect>', 'ZooKeeper host:port[/chroot] (PACER_ZK_CONNECT, default 127.0.0.1:2181)')
    .option('--cluster <name>', 'cluster name (PACER_CLUSTER, default pacer)')
    .option('--session-timeout-ms <ms>', 'ZooKeeper session timeout (PACER_ZK_SESSION_TIMEOUT_MS, default 6000)')
    .option('--name <name>', 'controller name (PACER_CONTROLLER_NAME)')
    .option('--log-level <level>', 'pino level (PACER_LOG_LEVEL, default info)')
    .option('--status-port <port>', 'serve {"name","cluster","leader","zookeeper","zookeeperStateForMs"} over HTTP on <status-host>:<port> (health checks)')
    .option('--status-host <address>', 'IP address the status port binds to; 0.0.0.0 = every interface (PACER_CONTROLLER_STATUS_HOST, default 127.0.0.1)')
    .parse(argv);
  const opts = program.opts<Record<string, string | undefined>>();
  statusPort = opts.statusPort === undefined ? undefined : Number(opts.statusPort);
  if (statusPort !== undefined && !(Number.isInteger(statusPort) && statusPort >= 0 && statusPort < 65536)) {
    throw new Error(`--status-port must be a port number, got '${opts.statusPort}'`);
  }
  return loadControllerConfig(process.env, flagOverrides(opts, CONTROLLER_FLAGS));
}

let statusPort: number | undefined;

/** Every path answers the status JSON, except `/metrics` (Prometheus) when metrics are on. */
function serveStatus(host: string, port: number, status: () => object, metricsHandler: MetricsRequestHandler | undefined): Promise<Server> {
  const server = createServer((req, res) => {
    if (metricsHandler !== undefined && (req.url ?? '/').split('?')[0] === '/metrics') {
      metricsHandler(req, res);
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(`${JSON.stringify(status())}\n`);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

const NAME = 'pacer-controller';
const SHUTDOWN_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  const output = routeProcessOutput(bootstrapLogger(NAME));
  const config = parseArgs(process.argv);
  const logger = createLogger({ name: NAME, level: config.logLevel });
  output.useLogger(logger);
  const telemetry = startProcessTelemetry(config.telemetry);
  const sessions = ZkSessionManager.forConnectString(
    { connectString: config.zkConnect, sessionTimeoutMs: config.sessionTimeoutMs },
    { name: `controller ${config.controllerName}`, clock: systemClock, logger },
  );
  await sessions.start();
  gaugeOf(telemetry.meter, METRICS.zookeeperSessionConnected, (observe) => observe(sessions.isConnected() ? 1 : 0));
  const controller = new HelixController({ cluster: config.cluster, name: config.controllerName, sessions, clock: systemClock, logger, meter: telemetry.meter });
  await controller.start();
  const httpServer = statusPort === undefined ? undefined
    : await serveStatus(config.statusHost, statusPort, () => ({
      name: config.controllerName, cluster: config.cluster, leader: controller.isLeader(), zookeeper: sessions.state(), zookeeperStateForMs: sessions.stateAgeMs(),
    }), telemetry.metricsHandler);
  const lifecycle = lifecycleLogger(logger).child({ controller: config.controllerName });
  lifecycle.info({ cluster: config.cluster, zk: config.zkConnect, statusPort: listeningPort(httpServer), statusHost: httpServer === undefined ? null : config.statusHost }, `pacer-controller ${config.controllerName} started`);
  stopOnSignals({
    logger: lifecycle, timeoutMs: SHUTDOWN_TIMEOUT_MS, messages: { stopping: 'stopping controller', stopped: 'pacer-controller stopped' },
    shutDown: async () => {
      httpServer?.close();
      await controller.close();
      await sessions.close();
      await telemetry.close();
    },
  });
}

function listeningPort(server: Server | undefined): number | null {
  const address = server?.address();
  return typeof address === 'object' && address !== null ? address.port : null;
}

main().catch((e: unknown) => exitFatally(NAME, e));
