/**
 * `pacer-status`: prints a cluster's assignment table, its leader controller, every partition
 * without a live owner and every partition whose external view (what gateways route by) is
 * stale, then one plain line per problem. Exit codes (for scripts and monitoring):
 *   0  OK: a leader, every partition ONLINE on one live broker, the view matches the brokers
 *   1  error: ZooKeeper unreachable, or the cluster is not set up under it (a mistyped
 *      `--cluster` or chroot must not look like a healthy, empty cluster)
 *   2  UNOWNED: some partitions have no live owner
 *   3  NO LEADER: no controller leads; assignment is frozen
 *   4  STALE VIEW: the external view disagrees with the brokers' own current states
 * With several problems the exit code is the first of 3, 4, 2 (the most fundamental); the output
 * lists them all. A stale view is reported only if it is still stale `--settle-ms` later.
 *
 *   npx tsx pacer/src/cli/status.ts --zk 127.0.0.1:2181 --cluster pacer [--json] [--settle-ms 1000]
 *   npx pinlater-ops pacer status --zk 127.0.0.1:2181 --cluster pacer    (the same command)
 *
 * `pacerStatusCommand` declares the command (options, help); `runPacerStatus` is what it does, so
 * the operator CLI (migration/src/cli/pacer-commands.ts) runs it as a subcommand.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import { coerceError } from '../../../core/src/errors/coerce-error';
import { silentLogger } from '../../../core/src/logging/logger';
import { systemClock } from '../../../core/src/util/clock';
import { confirmStale, formatClusterStatus, readClusterStatus, statusExitCode, statusProblems, STATUS_EXIT_CODES, type ClusterStatus } from '../coordination/cluster-status';
import { isClusterSetup } from '../coordination/cluster-setup';
import { HelixPaths } from '../coordination/helix-paths';
import type { ZkClient } from '../../../core/src/zookeeper/zk-client';
import { ZkSessionManager } from '../../../core/src/zookeeper/zk-session-manager';
import { flagOverrides, loadClusterConfig } from '../controller/controller-config';

export const PACER_STATUS_EXIT_CODES_HELP = `
Exit codes:
  0  OK: a leader, every partition ONLINE on exactly one live broker, the external view matches the brokers
  1  error: ZooKeeper unreachable, or the cluster is not found under --zk
  2  UNOWNED: some partitions have no live owner (their jobs wait in MySQL)
  3  NO LEADER: no controller is leader (assignment frozen)
  4  STALE VIEW: the external view gateways route by disagrees with the brokers' current states
With several problems: the first of 3, 4, 2. Runbook: runbooks/pacer-cluster-status-and-failover.md`;

/** The command's options as commander gives them (every value a string, as typed). */
export interface PacerStatusOptions {
  readonly zk?: string;
  readonly cluster?: string;
  readonly sessionTimeoutMs?: string;
  readonly json?: boolean;
  readonly settleMs?: string;
}

/** Where the command reads its environment and writes its output. */
export interface PacerCliContext {
  /** The process's environment (PACER_ZK_CONNECT, PACER_CLUSTER, PACER_ZK_SESSION_TIMEOUT_MS). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Prefix of the error line (`pacer-status`, `pinlater-ops pacer status`). */
  readonly label: string;
}

/** The command's declaration (no action): `name` is `pacer-status` standalone, `status` under `pinlater-ops pacer`. */
export function pacerStatusCommand(name: string): Command {
  return new Command(name)
    .description('Print the Pacer cluster assignment table, the leader controller, unowned partitions and stale views')
    .option('--zk <connect>', 'ZooKeeper host:port[/chroot] (PACER_ZK_CONNECT)')
    .option('--cluster <name>', 'cluster name (PACER_CLUSTER, default pacer)')
    .option('--session-timeout-ms <ms>', 'ZooKeeper session timeout, also the bound on reaching ZooKeeper (PACER_ZK_SESSION_TIMEOUT_MS, default 6000)')
    .option('--json', 'print JSON instead of a table (with "problems" and "exitCode")')
    .option('--settle-ms <ms>', 'read again after this long before calling a view stale (default 1000)')
    .addHelpText('after', `${PACER_STATUS_EXIT_CODES_HELP}\n\nExample:\n  ${name === 'pacer-status' ? 'npx tsx pacer/src/cli/status.ts' : 'pinlater-ops pacer status'} --zk 127.0.0.1:2181 --cluster pacer --json`);
}

/** Runs the status check; resolves with the exit code (errors are printed, exit 1). */
export async function runPacerStatus(options: PacerStatusOptions, context: PacerCliContext): Promise<number> {
  try {
    return await readAndPrint(options, context);
  } catch (e) {
    context.stderr.write(`${context.label}: ${coerceError(e).message}\n`);
    return STATUS_EXIT_CODES.ERROR;
  }
}

async function readAndPrint(options: PacerStatusOptions, context: PacerCliContext): Promise<number> {
  const settleMs = options.settleMs === undefined ? 1000 : Number(options.settleMs);
  if (!Number.isInteger(settleMs) || settleMs < 0) throw new Error(`--settle-ms must be a non-negative integer, got '${options.settleMs}'`);
  const config = loadClusterConfig(context.env, flagOverrides({ zk: options.zk, cluster: options.cluster, sessionTimeoutMs: options.sessionTimeoutMs }));
  const sessions = ZkSessionManager.forConnectString(
    { connectString: config.zkConnect, sessionTimeoutMs: config.sessionTimeoutMs },
    { name: 'pacer-status', clock: systemClock, logger: silentLogger(), startTimeoutMs: config.sessionTimeoutMs },
  );
  try {
    await sessions.start();
    const status = await sessions.withSession(async (zk) => {
      if (!(await isClusterSetup(zk, new HelixPaths(config.cluster)))) throw new Error(`cluster ${config.cluster} not found under ${config.zkConnect}`);
      return readSettled(zk, config.cluster, settleMs);
    }, config.sessionTimeoutMs);
    const problems = statusProblems(status);
    const exitCode = statusExitCode(problems);
    context.stdout.write(`${options.json === true ? JSON.stringify({ ...status, problems, exitCode }, null, 2) : formatClusterStatus(status)}\n`);
    return exitCode;
  } finally {
    await sessions.close();
  }
}

async function readSettled(zk: ZkClient, cluster: string, settleMs: number): Promise<ClusterStatus> {
  const first = await readClusterStatus(zk, cluster);
  if (first.staleView.length === 0 || settleMs === 0) return first;
  await sleep(settleMs);
  return confirmStale(first, await readClusterStatus(zk, cluster));
}

if (require.main === module) {
  const command = pacerStatusCommand('pacer-status').parse(process.argv);
  const context: PacerCliContext = { env: process.env, stdout: process.stdout, stderr: process.stderr, label: 'pacer-status' };
  runPacerStatus(command.opts<PacerStatusOptions>(), context).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`pacer-status: ${coerceError(e).message}\n`);
      process.exit(STATUS_EXIT_CODES.ERROR);
    },
  );
}
