/**
 * The demo workload's process (scripts/up.sh starts a `--role producer`; its workers are worker SDK pools, config/pools.local; `--role worker` remains for a quick standalone consumer):
 * flags validated once (demo-config.ts; `--help` for all of them), JSON logs on stdout, the role's
 * loops (one per queue), an optional status port, and a progress line every 30 s.
 *
 * SIGTERM/SIGINT: every loop ends after its call in flight, the connections and the status port
 * close, `pinlater-demo stopped` is logged and the process exits 0 on its own.
 *
 * Every line it writes is one pino JSON object (an invalid configuration or a failure: a `fatal`
 * line on stderr, exit 1); only commander's help and usage text is plain.
 */
import { CommanderError } from 'commander';
import { ConfigError } from '../../core/src/config/parse-config';
import { createLogger } from '../../core/src/logging/logger';
import { bootstrapLogger, exitFatally } from '../../core/src/logging/lifecycle-logger';
import { routeProcessOutput } from '../../core/src/logging/process-output';
import { loadDemoConfig, type DemoConfig } from './demo-config';
import { startDemo } from './demo-process';

const NAME = 'pinlater-demo';

function configOrExit(): DemoConfig {
  try {
    return loadDemoConfig(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 1); // commander printed help or the usage error
    if (e instanceof ConfigError) exitFatally(NAME, e);
    throw e;
  }
}

async function main(): Promise<void> {
  const output = routeProcessOutput(bootstrapLogger(NAME));
  const config = configOrExit();
  const logger = createLogger({ name: NAME, level: config.logLevel });
  output.useLogger(logger);
  const demo = await startDemo(config, logger);
  logger.info({ role: config.role, gateway: `${config.host}:${config.port}`, queues: config.queues, statusPort: config.statusPort }, 'pinlater-demo started');
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'pinlater-demo stopping');
    demo.close().then(
      () => logger.info({ totals: demo.counters.totals() }, 'pinlater-demo stopped'),
      (e: unknown) => {
        logger.error({ err: e }, 'pinlater-demo: close failed');
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e: unknown) => exitFatally(NAME, e));
