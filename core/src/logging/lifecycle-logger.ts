import { coerceError } from '../errors/coerce-error';
import { createLogger, type Logger } from './logger';

/**
 * The logger for a process's startup and shutdown lines (`pacer-broker listening on …`,
 * `pinlater-copier … started`): scripts and tests wait for them, so they are written at `info`
 * whatever level the process runs at (a broker run with `--log-level warn` still says it listens).
 */
export function lifecycleLogger(logger: Logger): Logger {
  return logger.isLevelEnabled('info') ? logger : logger.child({}, { level: 'info' });
}

/**
 * The logger a process starts with, before its configuration (and so its level) is read: for a
 * configuration error, and for `routeProcessOutput` until the real logger takes over.
 */
export function bootstrapLogger(name: string): Logger {
  return createLogger({ name, level: 'info' });
}

/**
 * The last line of a process that cannot go on (configuration invalid, startup failed): one
 * `fatal` JSON line on stderr (written synchronously), then exit. `msg` keeps the plain text
 * (`<name>: <message>`); `err` has the type and stack.
 */
export function exitFatally(name: string, error: unknown, code = 1): never {
  const err = coerceError(error);
  createLogger({ name, level: 'info', destination: 'stderr' }).fatal({ err }, `${name}: ${err.message}`);
  return process.exit(code);
}
