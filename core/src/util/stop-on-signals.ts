import { coerceError } from '../errors/coerce-error';
import type { Logger } from '../logging/logger';

export interface StopOnSignalsOptions {
  /** The process's lifecycle logger (lifecycle-logger.ts): these lines are written at any level. */
  readonly logger: Logger;
  /** Forced exit 1 after this long. */
  readonly timeoutMs: number;
  /** What the process logs when a signal arrives (with `signal`) and when it stopped. */
  readonly messages: { readonly stopping: string; readonly stopped: string };
  /** The graceful part: hand off, close servers and connections. */
  readonly shutDown: () => Promise<void>;
}

/**
 * A long-running process's SIGTERM/SIGINT: `shutDown` once (a second signal changes nothing),
 * then exit 0; exit 1 when it fails or outlasts `timeoutMs`. Each outcome is one log line.
 */
export function stopOnSignals(options: StopOnSignalsOptions, exit: (code: number) => void = (code) => process.exit(code)): void {
  const { logger, timeoutMs, messages } = options;
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, messages.stopping);
    setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown took too long; exiting');
      exit(1);
    }, timeoutMs).unref();
    options.shutDown().then(
      () => {
        logger.info(messages.stopped);
        exit(0);
      },
      (e: unknown) => {
        logger.error({ err: coerceError(e) }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
