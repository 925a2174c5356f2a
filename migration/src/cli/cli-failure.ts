import { CommanderError } from 'commander';
import { MigrationInProgressError } from '../../../core/src/migration/migration-state';
import { ZkCode, ZkError } from '../../../core/src/zookeeper/zk-error';
import { RoutingConflictError, RoutingPermissionError } from '../routing/routing-errors';
import { EXIT_CODES, type ExitCodeName } from './exit-codes';

/**
 * A command's deliberate refusal or failure: the one line the operator reads (stderr) and the exit
 * code it ends with (exit-codes.ts). `detail` is the machine-readable part of `--json` output
 * (e.g. the job counts that block a route).
 */
export class CliFailure extends Error {
  constructor(
    readonly exitCode: Exclude<ExitCodeName, 'OK'>,
    message: string,
    readonly detail: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'CliFailure';
  }
}

/** The exit code's name of anything a command threw. */
export function exitCodeNameOf(error: unknown): ExitCodeName {
  if (error instanceof CliFailure) return error.exitCode;
  if (error instanceof RoutingConflictError) return 'CONFLICT';
  if (error instanceof MigrationInProgressError) return 'MIGRATION_ACTIVE'; // another operator's start won the race
  if (error instanceof RoutingPermissionError || ZkError.is(error, ZkCode.NO_AUTH)) return 'PERMISSION_DENIED';
  if (error instanceof CommanderError) return error.exitCode === 0 ? 'OK' : 'USAGE';
  return 'ERROR'; // ConfigError, ZooKeeper and datastore failures, anything unexpected
}

/** The exit code of anything a command threw. */
export function exitCodeOf(error: unknown): number {
  return EXIT_CODES[exitCodeNameOf(error)];
}
