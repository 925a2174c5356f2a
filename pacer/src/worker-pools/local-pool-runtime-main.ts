/**
 * `pinlater-worker-pools`: the local runtime's process (local-pool-runtime.ts; `--help` for the
 * flags). scripts/up.sh runs it for the demo queues' pools (config/pools.local/).
 *
 * Flags and pool specs are validated once (local-runtime-config.ts): any problem is one `fatal`
 * JSON line on stderr naming every problem, exit 2. Then the pools start, the status port listens,
 * and `pinlater-worker-pools started` is logged (at info whatever the level).
 *
 * SIGTERM/SIGINT: SIGTERM to every worker, SIGKILL to those still running after
 * --stop-deadline, the status port closes, `pinlater-worker-pools stopped`, exit 0. Should the
 * process end any other way that Node sees (an uncaught exception), every worker's process group
 * is killed on the way out; only a SIGKILL of the runtime itself leaves its workers running.
 */
import { exitFatally, lifecycleLogger } from '../../../core/src/logging/lifecycle-logger';
import { startProcess } from '../../../core/src/util/process-startup';
import { stopOnSignals } from '../../../core/src/util/stop-on-signals';
import { LocalPoolRuntime } from './local-pool-runtime';
import { loadLocalRuntimeConfig } from './local-runtime-config';
import { LocalStatusServer } from './local-status-server';

const NAME = 'pinlater-worker-pools';
/** Exit code of invalid flags or pool specs. */
const EXIT_CONFIG = 2;
/** What the shutdown may take beyond the stop deadline (the SIGKILL wait, closing the port). */
const SHUTDOWN_SLACK_MS = 10_000;

async function main(): Promise<void> {
  const { config, logger } = startProcess({
    name: NAME, load: () => loadLocalRuntimeConfig(process.argv, process.cwd()), exitCode: EXIT_CONFIG, logger: (c) => ({ level: c.logLevel }),
  });
  const runtime = new LocalPoolRuntime({
    specs: config.specs, gateway: config.gateway, cwd: config.workdir, baseEnv: process.env,
    logDir: config.logDir, replicas: config.replicas, policy: config.policy, logger,
  });
  process.on('exit', () => runtime.killNow());
  const status = config.statusPort === undefined ? undefined : await LocalStatusServer.start(config.statusPort, () => runtime.health());
  runtime.start();
  const lifecycle = lifecycleLogger(logger);
  lifecycle.info({
    specs: config.specsDir, gateway: config.gateway, statusPort: status?.port ?? null, logDir: config.logDir ?? null,
    pools: Object.fromEntries(config.replicas), stopDeadlineMs: config.stopDeadlineMs,
  }, `${NAME} started`);
  stopOnSignals({
    logger: lifecycle,
    timeoutMs: config.stopDeadlineMs + SHUTDOWN_SLACK_MS,
    messages: { stopping: `${NAME} stopping: SIGTERM to every worker`, stopped: `${NAME} stopped` },
    shutDown: async () => {
      const report = await runtime.close(config.stopDeadlineMs);
      lifecycle.info({ graceful: report.graceful, killed: report.killed }, report.killed.length === 0 ? 'every worker stopped on SIGTERM' : 'some workers needed SIGKILL');
      await status?.close();
    },
  });
}

main().catch((e: unknown) => exitFatally(NAME, e));
