/**
 * The options every writing command (setup, adopt, route) takes, and who the record says made the
 * change. The credential is never an option: cli-config.ts reads it from the environment.
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';

export interface WriteOptions {
  readonly yes?: boolean;
  readonly json?: boolean;
  readonly by?: string;
  readonly reason?: string;
}

/** `--yes`, `--json`, and for commands that write records `--by` and `--reason`. */
export function withWriteOptions(command: Command, records = true): Command {
  command
    .option('--yes', 'do not ask for confirmation (needed when stdin is not a terminal)')
    .option('--json', 'print one JSON document (stable keys) instead of text');
  if (!records) return command;
  return command
    .option('--by <name>', "who makes the change, kept in the record and the history (default: the login name)")
    .option('--reason <text>', 'why, kept in the record and the history');
}

/** `--by`, else the login name. */
export function operatorName(by: string | undefined): string {
  if (by !== undefined && by.trim() !== '') return by.trim();
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
