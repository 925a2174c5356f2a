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
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Command } from 'commander';
import { coerceError } from '../../../core/src/errors/coerce-error';
import { createLogger, type Logger } from '../../../core/src/logging/logger';
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
    .option('--status-port <port>', 'serve /health (JSON: queues worked, last events) on 127.0.0.1:<port> (PINLATER_COPIER_STATUS_PORT)')
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
function serveStatus(port: number, body: () => object, metricsHandler: MetricsRequestHandler | undefined): Promise<Server> {
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
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

export async function runCopierProcess(): Promise<void> {
  let flags: CopierFlags;
  try {
    flags = parseCopierArgs(process.argv);
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    process.exit(code === 0 ? 0 : 64);
  }
  const config = loadCopierConfig(process.env, flags);
  const logger = createLogger({ name: 'pinlater-copier', level: config.logLevel });
  const telemetry = startProcessTelemetry(config.telemetry);
  const recent: CopierEvent[] = [];
  const { service, stop, owner } = await startCopier(config, logger, (e) => {
    recent.push(e);
    if (recent.length > 50) recent.shift();
  }, telemetry.meter);
  const http = config.statusPort === undefined ? undefined
    : await serveStatus(config.statusPort, () => ({ copier: config.copierId, leaseOwner: owner, queues: service.activeQueues(), recent }), telemetry.metricsHandler);
  process.stdout.write(`pinlater-copier ${config.copierId} started\n`);
  let stopping = false;
  const onSignal = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping copier: finishing batches, releasing leases');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    http?.close();
    stop().then(() => telemetry.close()).then(() => process.exit(0), (e: unknown) => {
      logger.error({ err: coerceError(e) }, 'copier close failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}

if (require.main === module) {
  runCopierProcess().catch((e: unknown) => {
    process.stderr.write(`pinlater-copier: ${coerceError(e).message}\n`);
    process.exit(1);
  });
}
