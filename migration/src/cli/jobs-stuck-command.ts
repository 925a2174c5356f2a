/**
 * `pinlater-ops jobs stuck <queue> [--older-than-seconds N] [--priority p] [--limit N]
 * [--scan-limit N] [--gateway host:port] [--json]`: IN_PROGRESS jobs whose claim is older than N
 * seconds (stuck-jobs.ts), through the gateway. Reads only. Exit 0 only when every IN_PROGRESS
 * job was read and none is stuck, so a runbook's Verify step can rely on it.
 */
import { Command } from 'commander';
import type { Endpoint } from '../../../core/src/config/endpoint';
import { systemClock } from '../../../core/src/util/clock';
import type { CliContext } from './cli-context';
import { EXIT_CODES, exitCodesHelp } from './exit-codes';
import { connectGateway, describeEndpoint, gatewayOf, withGatewayOption, type GatewayConnection } from './gateway-client';
import { GATEWAY_HELP, JOBS_ERROR_MEANING } from './jobs-help';
import { limitParser, parsePriority, parseSeconds, requireQueueName } from './job-options';
import { toJson } from './output-format';
import { findStuckJobs, type StuckReport } from './stuck-jobs';
import { formatStuckReport, stuckReportJson } from './stuck-jobs-text';

export const DEFAULT_OLDER_THAN_SECONDS = 300;
export const DEFAULT_SCAN_LIMIT = 10_000;
/** The gateway clamps a scan to GATEWAY_MAX_BATCH_ITEMS (default 100000) without saying so; stay within it. */
export const MAX_SCAN_LIMIT = 100_000;
export const MAX_STUCK_LIMIT = 10_000;

export interface StuckOptions {
  readonly olderThanSeconds: number;
  readonly priority?: number;
  readonly limit: number;
  readonly scanLimit: number;
  readonly gateway?: Endpoint;
  readonly json?: boolean;
}

export const STUCK_HELP_BASICS = `
A job is stuck when it is IN_PROGRESS and its claim is older than --older-than-seconds: its
updatedAtTimestampMillis (the time of the claim, or of the worker's last checkpoint, a heartbeat)
is that long ago or more. That is what the backends' own claim timeout counts from (legacy MySQL
updated_at, legacy Redis ua, Pacer updated_at_ms); runAfter is not used (on legacy MySQL and
Pacer it stays the job's original run-after). The claim times come from the datastore, "now" from
this host's clock. Jobs are read with scanJobs (IN_PROGRESS, current and future run-after, all
priorities unless --priority), at most --scan-limit per scan, newest first.
${GATEWAY_HELP}`;

const HELP = `${STUCK_HELP_BASICS}
Jobs that stay stuck are retried by the backend's claim timeout (BACKEND_MONITOR_JOB_CLAIMED_TIMEOUT_SECONDS,
180 s as shipped; one attempt consumed); \`pinlater-ops jobs release\` puts them back to PENDING now
without consuming an attempt.

${exitCodesHelp(['PROBLEMS', 'INCOMPLETE'], {
    OK: 'OK: no stuck job (every IN_PROGRESS job was read)',
    PROBLEMS: 'stuck jobs found (listed)',
    INCOMPLETE: 'no stuck job among those read, but a scan returned --scan-limit jobs: older claims were not read',
    ERROR: JOBS_ERROR_MEANING,
  })}

Examples:
  pinlater-ops jobs stuck my_queue
  pinlater-ops jobs stuck my_queue --older-than-seconds 600 --priority 1 --json | jq '.jobs[].descriptor'
  pinlater-ops jobs stuck my_queue --gateway 127.0.0.1:9012 && echo "no stuck jobs"`;

export function jobsStuckCommand(ctx: CliContext): Command {
  return withStuckOptions(withGatewayOption(new Command('stuck').description('list IN_PROGRESS jobs claimed longer ago than a threshold (stuck workers)')), MAX_STUCK_LIMIT, 100)
    .option('--json', 'print one JSON document (stable keys) instead of text')
    .argument('<queue>', 'the queue')
    .addHelpText('after', HELP)
    .action(async (queue: string, options: StuckOptions) => {
      ctx.json = options.json === true;
      ctx.exitCode = await runStuck(ctx, requireQueueName(queue), options);
    });
}

/** --older-than-seconds, --priority, --limit, --scan-limit (shared with `jobs release`). */
export function withStuckOptions(command: Command, maxLimit: number, defaultLimit: number): Command {
  return command
    .option('--older-than-seconds <n>', 'stuck = claimed (or last checkpointed) at least this long ago', parseSeconds, DEFAULT_OLDER_THAN_SECONDS)
    .option('--priority <p>', 'only this priority (default: all)', parsePriority)
    .option('--limit <n>', `most stuck jobs, oldest claims first (max ${maxLimit})`, limitParser(maxLimit, 'jobs per run'), defaultLimit)
    .option('--scan-limit <n>', `most IN_PROGRESS jobs read per scan (max ${MAX_SCAN_LIMIT})`, limitParser(MAX_SCAN_LIMIT, "the gateway's GATEWAY_MAX_BATCH_ITEMS default"), DEFAULT_SCAN_LIMIT);
}

/** The stuck jobs of `queue` through the options' gateway (the queue must exist there). */
export async function searchStuck(ctx: CliContext, queue: string, options: StuckOptions): Promise<{ report: StuckReport; gateway: string; connection: GatewayConnection }> {
  const endpoint = gatewayOf(options.gateway);
  const connection = await connectGateway(ctx, endpoint);
  await connection.requireQueue(queue);
  const report = await findStuckJobs(connection, {
    queue, olderThanSeconds: options.olderThanSeconds, limit: options.limit, scanLimit: options.scanLimit,
    ...(options.priority === undefined ? {} : { priority: options.priority }),
  }, () => systemClock.nowMs());
  return { report, gateway: describeEndpoint(endpoint), connection };
}

export function stuckExitCode(report: StuckReport): number {
  if (report.found > 0) return EXIT_CODES.PROBLEMS;
  return report.complete ? EXIT_CODES.OK : EXIT_CODES.INCOMPLETE;
}

async function runStuck(ctx: CliContext, queue: string, options: StuckOptions): Promise<number> {
  const { report, gateway } = await searchStuck(ctx, queue, options);
  const exitCode = stuckExitCode(report);
  ctx.io.stdout.write(options.json === true ? toJson({ gateway, ...stuckReportJson(report), exitCode }) : `${formatStuckReport(report)}\n`);
  return exitCode;
}
