/**
 * An entry point's first steps, the same in every long-running process (the local pool runtime,
 * the pool manager, the example workers, the demo):
 *
 * 1. whatever the process prints outside its logger becomes JSON lines (process-output.ts), from
 *    the start, through a bootstrap logger;
 * 2. the configuration is read once with the process's loader. A bad command line or `--help`
 *    (commander has printed its usage or help, and thrown a CommanderError): exit 0 for the help,
 *    else `usageExitCode`. An invalid configuration (ConfigError): one `fatal` line naming every
 *    problem (exitFatally), exit `exitCode`. Anything else is thrown on to the caller;
 * 3. the process's logger, at the configuration's level, takes over from the bootstrap logger.
 */
import { CommanderError } from 'commander';
import { ConfigError } from '../config/parse-config';
import { bootstrapLogger, exitFatally } from '../logging/lifecycle-logger';
import { createLogger, type Logger, type LoggerOptions } from '../logging/logger';
import { routeProcessOutput } from '../logging/process-output';

export interface ProcessStartup<C> {
  /** The process name: its log lines' `name`. */
  readonly name: string;
  /** Reads and validates the configuration (flags and environment); throws CommanderError or ConfigError. */
  readonly load: () => C;
  /** Exit code of an invalid configuration. */
  readonly exitCode: number;
  /** Exit code of a bad command line (default `exitCode`). */
  readonly usageExitCode?: number;
  /** The process logger's level (and destination) from the configuration. */
  readonly logger: (config: C) => Omit<LoggerOptions, 'name'>;
}

export interface StartedProcess<C> {
  readonly config: C;
  readonly logger: Logger;
}

export function startProcess<C>(startup: ProcessStartup<C>): StartedProcess<C> {
  const output = routeProcessOutput(bootstrapLogger(startup.name));
  const config = configOrExit(startup);
  const logger = createLogger({ ...startup.logger(config), name: startup.name });
  output.useLogger(logger);
  return { config, logger };
}

function configOrExit<C>(startup: ProcessStartup<C>): C {
  try {
    return startup.load();
  } catch (e) {
    if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : (startup.usageExitCode ?? startup.exitCode));
    if (e instanceof ConfigError) exitFatally(startup.name, e, startup.exitCode);
    throw e;
  }
}
