/**
 * What a subcommand's action needs besides its own options: the global options (given before or
 * after the subcommand name) and a logger for the backends and the store. Without `--verbose`
 * nothing is logged; with it, warnings and errors go to stderr (stdout is the command's output).
 */
import type { Command } from 'commander';
import { createLogger, silentLogger, type Logger } from '../../../core/src/logging/logger';
import type { GlobalOptions } from './cli-context';

export const DEFAULT_ZK_TIMEOUT_MS = 10_000;

export function globalOptions(command: Command): GlobalOptions {
  const all = command.optsWithGlobals<{ config?: string; verbose?: boolean; zkTimeoutMs?: number }>();
  return {
    ...(all.config === undefined ? {} : { config: all.config }),
    verbose: all.verbose === true,
    zkTimeoutMs: all.zkTimeoutMs ?? DEFAULT_ZK_TIMEOUT_MS,
  };
}

export function commandLogger(globals: GlobalOptions): Logger {
  return globals.verbose ? createLogger({ name: 'pinlater-ops', level: 'warn', destination: 'stderr' }) : silentLogger();
}
