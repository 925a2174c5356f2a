/**
 * `pinlater-copier`: the long-running migration copier (docs/migration.md). Moves the jobs of
 * every queue with an active migration (`pinlater-ops migrate start`, `rollback`) exactly once,
 * one copier per queue at a time (leases in Pacer's database), and flips the queue when the side
 * it leaves is drained. Run one or more; each takes the queues no other copier holds.
 *
 *   PINLATER_ROUTING_CREDENTIAL_FILE=config/routing-operator.local.credential \
 *     node bin/pinlater-copier.cjs --config config/routing.local.json --id copier-1
 *
 * SIGTERM/SIGINT: every queue finishes its batch, leases are released (another copier takes over
 * at once), connections close, exit 0. A crash (kill -9) loses nothing: the next holder of a
 * queue's lease finishes or undoes the batch in flight (move-protocol.ts).
 *
 * `--status-port` (PINLATER_COPIER_STATUS_PORT): `/health` (JSON) and `/metrics`, on `--status-host`
 * (PINLATER_COPIER_STATUS_HOST, an IP address: default 127.0.0.1, 0.0.0.0 in a pod so probes and
 * scrapes reach it).
 *
 * Logs `pinlater-copier <id> started` when running (whatever the log level). Every line it writes
 * is one pino JSON object: a configuration or startup failure is a `fatal` line on stderr (exit 1);
 * only commander's usage text (a bad command line) is plain.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Command } from 'commander';
import { coerceError } from '../../../core/src/errors/coerce-error';
import { createLogger, type Logger } from '../../../core/src/logging/logger';
import { bootstrapLogger, exitFatally, lifecycleLogger } from '../../../core/src/logging/lifecycle-logger';
import { routeProcessOutput } from '../../../core/src/logging/process-output';
import { stopOnSignals } from '../../../core/src/util/stop-on-signals';
import { PACER_SYSTEM } from '../../../core/src/routing/routing-backend';
import { systemClock } from '../../../core/src/util/clock';
import type { PinLaterBackend } from '../../../core/src/interfaces/pinlater-backend';
import { openMigrationStores } from '../cli/migration-stores';
import { ResourceStack } from '../cli/resource-stack';
import { openSystems } from '../cli/system-backends';
import { loadCopierConfig, type CopierConfig, type CopierFlags } from './copier-config';
import { CopierService } from './copier-service';
import type { CopierEvent } from './queue-copier';
import { ReconnectingRoutingStore } from './routing-access';
import { CopierInstruments } from './copier-instruments';
import type { Meter } from '@opentelemetry/api';
import { startProcessTelemetry, type MetricsRequestHandler } from '../../../core/src/telemetry/process-telemetry';

export function parseCopierArgs(argv: readonly string[]): CopierFlags {
  const program = new Command('pinlater-copier')
    .description('Moves the jobs of migrating queues between legacy PinLater and Pacer, exactly once (docs/migration.md)')
    .option('--config <file>', 'the routing gateway config (PINLATER_ROUTING_CONFIG)')
    .option('--id <name>', 'this copier\'s id, the lease owner (PINLATER_COPIER_ID, default <host>:<pid>)')
    .option('--batch-size <n>', 'jobs per take (PINLATER_COPIER_BATCH_SIZE, default 1000)')
    .option('--quiet-period-ms <ms>', 'how long the side a queue leaves must stay empty before the flip (PINLATER_COPIER_QUIET_PERIOD_MS, default 10000)')
    .option('--latency-threshold-ms <ms>', 'source take latency that halves the copy rate (PINLATER_COPIER_LATENCY_THRESHOLD_MS, default 100)')
    .option('--max-queues <n>', 'queues worked at once (PINLATER_COPIER_MAX_QUEUES, default 8)')
    .option('--status-port <port>', 'serve /health (JSON: queues worked, last events) and /metrics on <status-host>:<port> (PINLATER_COPIER_STATUS_PORT)')
    .option('--status-host <address>', 'IP address the status port binds to; 0.0.0.0 = every interface (PINLATER_COPIER_STATUS_HOST, default 127.0.0.1)')
    .option('--log-level <level>', 'pino level (PINLATER_COPIER_LOG_LEVEL, default info)')
    .addHelpText('after', `
The operator credential (it flips drained queues in the routing table) comes from
PINLATER_ROUTING_CREDENTIAL_FILE or PINLATER_ROUTING_CREDENTIAL, never a flag.

Examples:
  PINLATER_ROUTING_CREDENTIAL_FILE=config/routing-operator.local.credential \\
    node bin/pinlater-copier.cjs --config config/routing.local.json --id copier-1
  pinlater-ops migrate start my_queue --wait     # then watch it move

Exit codes: 0 stopped by SIGTERM/SIGINT; 1 configuration or startup failure.`)
    .exitOverride()
    .parse([...argv]);
  return program.opts<CopierFlags>();
}

/** Starts the copier; resolves with a stop function once it runs. `meter`: the process's (metrics); default no-op. */
export async function startCopier(
  config: CopierConfig, logger: Logger, onEvent?: (e: CopierEvent) => void, meter?: Meter,
): Promise<{ service: CopierService; stop: () => Promise<void>; owner: string }> {
  const resources = new ResourceStack();
  try {
    const systems = await openSystems(config.routing, resources, logger);
    const { ledger, states } = openMigrationStores(config.routing, resources, logger, systemClock, config.maxQueues + 2);
    const routing = resources.track('routing table', new ReconnectingRoutingStore({
      connectString: config.routing.table.zookeeper, root: config.routing.table.root, credential: config.credential,
    }));
    const pacer = systems.get(PACER_SYSTEM);
    const legacy = new Map<string, PinLaterBackend>(systems.names().filter((n) => n !== PACER_SYSTEM).map((n) => [n, systems.get(n)]));
    // Unique per process: two copiers started with the same --id must not share a lease (the
    // lease would fence neither from the other).
    const owner = `${config.copierId}/${randomBytes(4).toString('hex')}`;
    const instruments = new CopierInstruments(meter);
    const service = new CopierService({
      owner, legacy, pacer, ledger, states, routing, clock: systemClock, logger, settings: config.settings, instruments,
      numPriorityLevels: pacer.numPriorityLevels, maxQueues: config.maxQueues,
      onProgress: (e) => {
        if (isNews(e)) {
          logger.info({ event: e }, 'copier');
          onEvent?.(e);
        }
      },
    });
    instruments.observeService(() => service.activeQueues().length, () => routing.hasOpenSession());
    service.start();
    const stop = async (): Promise<void> => {
      await service.close();
      await resources.closeAll((name, problem) => logger.warn({ resource: name, err: coerceError(problem) }, 'could not close'));
    };
    return { service, stop, owner };
  } catch (e) {
    await resources.closeAll(() => undefined);
    throw e;
  }
}

const lastWait = new Map<string, string>();

/** Flips, and a queue's wait reason when it changes (a wait repeats 4 times a second otherwise). */
function isNews(e: CopierEvent): boolean {
  if (e.kind === 'moved') return false;
  if (e.kind === 'flipped') {
    lastWait.delete(e.queue);
    return true;
  }
  if (lastWait.get(e.queue) === e.reason) return false;
  lastWait.set(e.queue, e.reason);
  return true;
}

/** `/health` (JSON), `/metrics` (Prometheus, when metrics are on); 404 otherwise. */
function serveStatus(host: string, port: number, body: () => object, metricsHandler: MetricsRequestHandler | undefined): Promise<Server> {
  const server = createServer((req, res) => {
    if (metricsHandler !== undefined && (req.url ?? '/').split('?')[0] === '/metrics') {
      metricsHandler(req, res);
      return;
    }
    res.setHeader('content-type', 'application/json');
    if (req.url !== '/health') {
      res.statusCode = 404;
      res.end('{"error":"not found"}\n');
      return;
    }
    res.end(`${JSON.stringify(body())}\n`);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

const NAME = 'pinlater-copier';
const SHUTDOWN_TIMEOUT_MS = 30_000;

/** The process: resolves once the copier runs; a failure to start ends the process (a `fatal` line, exit 1). */
export async function runCopierProcess(): Promise<void> {
  await startCopierProcess().catch((e: unknown) => exitFatally(NAME, e));
}

async function startCopierProcess(): Promise<void> {
  const output = routeProcessOutput(bootstrapLogger(NAME));
  let flags: CopierFlags;
  try {
    flags = parseCopierArgs(process.argv);
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    process.exit(code === 0 ? 0 : 64);
  }
  const config = loadCopierConfig(process.env, flags);
  const logger = createLogger({ name: NAME, level: config.logLevel });
  output.useLogger(logger);
  const telemetry = startProcessTelemetry(config.telemetry);
  const recent: CopierEvent[] = [];
  const { service, stop, owner } = await startCopier(config, logger, (e) => {
    recent.push(e);
    if (recent.length > 50) recent.shift();
  }, telemetry.meter);
  const http = config.statusPort === undefined ? undefined
    : await serveStatus(config.statusHost, config.statusPort, () => ({ copier: config.copierId, leaseOwner: owner, queues: service.activeQueues(), recent }), telemetry.metricsHandler);
  const lifecycle = lifecycleLogger(logger).child({ copier: config.copierId });
  lifecycle.info({ leaseOwner: owner, statusPort: listeningPort(http), statusHost: http === undefined ? null : config.statusHost }, `pinlater-copier ${config.copierId} started`);
  stopOnSignals({
    logger: lifecycle, timeoutMs: SHUTDOWN_TIMEOUT_MS, messages: { stopping: 'stopping copier: finishing batches, releasing leases', stopped: 'pinlater-copier stopped' },
    shutDown: async () => {
      http?.close();
      await stop();
      await telemetry.close();
    },
  });
}

function listeningPort(server: Server | undefined): number | null {
  const address = server?.address();
  return typeof address === 'object' && address !== null ? address.port : null;
}

if (require.main === module) {
  runCopierProcess().catch((e: unknown) => exitFatally(NAME, e));
}
