/**
 * `pinlater-pool-manager`: reconciles the worker pool specs into Kubernetes (pool-manager.ts).
 *
 *   npx tsx pacer/src/worker-pools/pool-manager-main.ts --specs <dir> --namespace <ns> \
 *     --gateway <host:port> --backlog-url <url> [--backlog-url <url> …] [--kubeconfig <file>] \
 *     [--keda] [--dry-run] [--once] [--interval <s>] [--admin-port <port>]
 *
 * Runs a pass every interval and on drift, until SIGTERM/SIGINT (the pass in flight finishes, the
 * watch and the admin port close, exit 0). `--once`: one pass, exit 0 when it succeeded, else 1.
 * `--dry-run`: one pass without writing; the plan goes to stdout (pool-manager-plan-format.ts),
 * the log lines to stderr. The admin port (default 9040) serves /health and /live
 * (pool-manager-admin.ts). Every line it logs is one pino JSON object: an invalid configuration or
 * pool spec is a `fatal` line on stderr (exit 2), a startup failure a `fatal` line (exit 1); only
 * commander's usage text (a bad command line, --help) is plain.
 */
import { exitFatally, lifecycleLogger } from '../../../core/src/logging/lifecycle-logger';
import type { Logger } from '../../../core/src/logging/logger';
import { systemClock } from '../../../core/src/util/clock';
import { startProcess } from '../../../core/src/util/process-startup';
import { stopOnSignals } from '../../../core/src/util/stop-on-signals';
import { HttpBacklogSource } from './autoscaler-backlog-reader';
import { KubeApiClient } from './kube-api-client';
import { describeSource, loadKubeConfig } from './kube-config-loader';
import { PoolManager } from './pool-manager';
import { startAdminServer } from './pool-manager-admin';
import { loadPoolManagerConfig, parsePoolManagerArgs, type PoolManagerConfig } from './pool-manager-config';
import { formatPlan } from './pool-manager-plan-format';
import { loadPoolSpecs, PoolSpecError } from './pool-spec';

const NAME = 'pinlater-pool-manager';
const SHUTDOWN_TIMEOUT_MS = 30_000;
/** Exit code of an invalid configuration or pool spec (a bad command line exits 1, as commander's usage error). */
const EXIT_CONFIG = 2;

/** Resolves with the exit code of a one-shot run, or undefined once a long-running manager runs. */
async function main(argv: readonly string[]): Promise<number | undefined> {
  const { config, logger } = startProcess({
    name: NAME, load: () => loadPoolManagerConfig(parsePoolManagerArgs(argv), process.env), exitCode: EXIT_CONFIG, usageExitCode: 1,
    // A dry run's stdout is the plan: its log lines go to stderr.
    logger: (c) => ({ level: c.logLevel, ...(c.dryRun ? { destination: 'stderr' as const } : {}) }),
  });
  const manager = buildManager(config, logger);
  if (config.dryRun) return dryRun(manager, config);
  if (config.once) return (await manager.reconcile()).errors.length === 0 ? 0 : 1;
  const admin = await startAdminServer(config.adminHost, config.adminPort, () => manager.status());
  manager.start();
  const lifecycle = lifecycleLogger(logger);
  lifecycle.info({
    namespace: config.namespace, mode: config.keda ? 'keda' : 'autoscaler', specs: config.specsDir, credentials: describeSource(config.kubeconfig),
    adminPort: admin.port, intervalMs: config.intervalMs, backlogUrls: config.backlogUrls,
  }, `${NAME} started`);
  stopOnSignals({
    logger: lifecycle, timeoutMs: SHUTDOWN_TIMEOUT_MS, messages: { stopping: `stopping ${NAME}`, stopped: `${NAME} stopped` },
    shutDown: async () => {
      await manager.close();
      await admin.close();
    },
  });
  return undefined;
}

function buildManager(config: PoolManagerConfig, logger: Logger): PoolManager {
  const loadSpecs = (): ReturnType<typeof loadPoolSpecs> => loadPoolSpecs(config.specsDir);
  try {
    loadSpecs();
  } catch (e) {
    if (e instanceof PoolSpecError) exitFatally(NAME, e, EXIT_CONFIG);
    throw e;
  }
  const client = new KubeApiClient(loadKubeConfig(config.kubeconfig));
  return new PoolManager(
    {
      namespace: config.namespace, gateway: config.gateway, terminationGracePeriodSeconds: config.terminationGracePeriodSeconds,
      intervalMs: config.intervalMs, tolerance: config.tolerance,
      keda: config.keda ? { backlogBase: config.backlogUrls[0] ?? '' } : undefined,
    },
    { client, backlog: new HttpBacklogSource(config.backlogUrls), loadSpecs, clock: systemClock, logger },
  );
}

/** One pass without writing: the plan on stdout; 0, or 1 when the cluster could not be read or the specs have a problem. */
async function dryRun(manager: PoolManager, config: PoolManagerConfig): Promise<number> {
  const plan = await manager.plan();
  const header = `# dry run: namespace ${config.namespace}, ${config.keda ? 'KEDA scales the pools' : 'the pool manager scales the pools'}; nothing was applied\n`;
  await new Promise<void>((resolve) => process.stdout.write(header + formatPlan(plan.actions, { manifests: true }), () => resolve()));
  return plan.problems.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (e: unknown) => exitFatally(NAME, e),
);
