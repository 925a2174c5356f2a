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
import { exitFatally } from '../../core/src/logging/lifecycle-logger';
import { startProcess } from '../../core/src/util/process-startup';
import { loadDemoConfig } from './demo-config';
import { startDemo } from './demo-process';

const NAME = 'pinlater-demo';

async function main(): Promise<void> {
  const { config, logger } = startProcess({ name: NAME, load: () => loadDemoConfig(process.argv), exitCode: 1, logger: (c) => ({ level: c.logLevel }) });
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
