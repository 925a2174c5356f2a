import { format } from 'node:util';
import { coerceError } from '../errors/coerce-error';
import type { Logger } from './logger';

/**
 * Makes whatever a long-running process would print outside its logger one pino JSON line too
 * (issue 16: `jq` broke on plain-text lines mixed into the JSON):
 *
 * - Node's warnings (deprecations, MaxListenersExceeded, …): Node's own printer, which writes
 *   `(node:123) Warning: …` on stderr, is replaced by a `warn` line (`node warning`).
 * - An uncaught exception or unhandled rejection: a `fatal` line (`uncaught exception`, with
 *   `origin`) instead of Node's stack dump, then exit 1 as Node would.
 * - `console.*` calls by libraries: a line at the matching level with `source: "console"`.
 *
 * Installed once per process, as early as possible with a bootstrap logger; `useLogger` swaps in
 * the process's real logger (its level) once the configuration is read.
 */
export interface ProcessOutput {
  useLogger(logger: Logger): void;
}

/** What is rerouted: the process's and console's by default (tests pass their own). */
export interface ProcessOutputTarget {
  readonly process: Pick<NodeJS.EventEmitter, 'on' | 'removeAllListeners'>;
  readonly console: Pick<Console, ConsoleMethod>;
  readonly exit: (code: number) => void;
}

type ConsoleMethod = 'log' | 'info' | 'warn' | 'error' | 'debug' | 'trace';

const CONSOLE_LEVELS: Readonly<Record<ConsoleMethod, 'info' | 'warn' | 'error' | 'debug' | 'trace'>> = {
  log: 'info', info: 'info', warn: 'warn', error: 'error', debug: 'debug', trace: 'trace',
};

export function routeProcessOutput(logger: Logger, target: ProcessOutputTarget = processTarget()): ProcessOutput {
  let current = logger;
  const log = (): Logger => current;
  routeWarnings(log, target);
  routeUncaught(log, target);
  routeConsole(log, target);
  return {
    useLogger: (next) => {
      current = next;
    },
  };
}

function processTarget(): ProcessOutputTarget {
  return { process, console, exit: (code) => process.exit(code) };
}

function routeWarnings(log: () => Logger, target: ProcessOutputTarget): void {
  target.process.removeAllListeners('warning'); // Node's default printer
  target.process.on('warning', (warning: Error & { code?: string }) => {
    log().warn({ warning: { name: warning.name, message: warning.message, ...(warning.code === undefined ? {} : { code: warning.code }) } }, 'node warning');
  });
}

function routeUncaught(log: () => Logger, target: ProcessOutputTarget): void {
  target.process.on('uncaughtException', (error: unknown, origin: string) => {
    log().fatal({ err: coerceError(error), origin }, 'uncaught exception');
    target.exit(1);
  });
}

function routeConsole(log: () => Logger, target: ProcessOutputTarget): void {
  const sink = target.console as Record<ConsoleMethod, (...args: unknown[]) => void>;
  for (const [method, level] of Object.entries(CONSOLE_LEVELS) as Array<[ConsoleMethod, (typeof CONSOLE_LEVELS)[ConsoleMethod]]>) {
    sink[method] = (...args: unknown[]): void => log()[level]({ source: 'console' }, format(...args));
  }
}
