/**
 * What every `pinlater-ops` command runs with: its streams, the validated environment, the
 * connections it opened (closed by main.ts), the stop requests (interruption.ts), and the options
 * given before or after the subcommand name (`--config`, `--verbose`, `--zk-timeout-ms`).
 */
import type { CliEnvironment } from './cli-config';
import type { Interruption } from './interruption';
import type { ResourceStack } from './resource-stack';

export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** The confirmation prompt reads it, only when it is a terminal. */
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
}

export interface GlobalOptions {
  /** `--config <file>`: the routing gateway config (else PINLATER_ROUTING_CONFIG). */
  readonly config?: string;
  /** `--verbose`: stack traces on errors, warnings of the backends on stderr. */
  readonly verbose: boolean;
  /** `--zk-timeout-ms <ms>`: bound on reaching ZooKeeper (default 10000). */
  readonly zkTimeoutMs: number;
}

export interface CliContext {
  readonly io: CliIo;
  readonly environment: CliEnvironment;
  readonly resources: ResourceStack;
  readonly interruption: Interruption;
  /** Set by a command given `--json`: main.ts then reports a failure as a JSON document too. */
  json: boolean;
  /** The exit code of a command that ran to its end (a failure's comes from cli-failure.ts). */
  exitCode: number;
}
