/**
 * `pinlater-ops jobs release <queue> [--older-than-seconds N] [--priority p] [--limit N]
 * [--scan-limit N] [--gateway host:port] [--yes] [--json]`: finds the stuck jobs (as `jobs stuck`),
 * confirms, puts each back to PENDING with checkpointJobs (moveToPending) and reports how many
 * really are released (stuck-job-release.ts): "released 3 of 3". Exit 0 only when every stuck job
 * found was released.
 */
import { Command } from 'commander';
import type { CliContext } from './cli-context';
import { confirmWrite } from './confirmation';
import { EXIT_CODES, exitCodesHelp } from './exit-codes';
import { withGatewayOption } from './gateway-client';
import { JOBS_ERROR_MEANING } from './jobs-help';
import { requireQueueName } from './job-options';
import { searchStuck, STUCK_HELP_BASICS, withStuckOptions, type StuckOptions } from './jobs-stuck-command';
import { field, formatTable, toJson } from './output-format';
import { describeOutcome, releaseStuckJobs, type ReleaseReport } from './stuck-job-release';
import type { StuckReport } from './stuck-jobs';
import { formatStuckReport, stuckReportJson } from './stuck-jobs-text';

export const MAX_RELEASE_LIMIT = 10_000;

interface ReleaseOptions extends StuckOptions {
  readonly yes?: boolean;
}

const HELP = `${STUCK_HELP_BASICS}

Each stuck job is put back to PENDING with PinLater's checkpointJobs (moveToPending): its claim
is cleared, it is due now, and no attempt is consumed (a claim timeout would consume one). The
checkpoint names the job's own claim descriptor as its source, so it releases exactly the claim
that was found. Every job is looked up just before the checkpoint (one acked, failed, claimed
again or checkpointed meanwhile is left alone) and again after it: the report says how many are
PENDING now ("released 3 of 3") and why each other one is not. On legacy Redis a job acked in the
instant between that look-up and the checkpoint is still put back to PENDING and runs once more
(PinLater's Redis checkpoint checks the claim, not the state); legacy MySQL and Pacer ignore it.
Release only the jobs of workers that are gone: a worker still running a released job can still
ack it (PinLater's acks do not check the claim), and the job may run twice.

${exitCodesHelp(['PROBLEMS', 'NOT_CONFIRMED'], {
    OK: 'OK: every stuck job found was released (or none was found)',
    PROBLEMS: 'not every stuck job was released (each listed with why)',
    NOT_CONFIRMED: 'not confirmed (no terminal and no --yes, or not answered y): nothing released',
    ERROR: JOBS_ERROR_MEANING,
  })}

Examples:
  pinlater-ops jobs stuck my_queue --older-than-seconds 600
  pinlater-ops jobs release my_queue --older-than-seconds 600
  pinlater-ops jobs release my_queue --older-than-seconds 600 --yes --json | jq '.released, .attempted'
  pinlater-ops jobs release my_queue --gateway 127.0.0.1:9012 --yes && pinlater-ops jobs stuck my_queue --gateway 127.0.0.1:9012`;

export function jobsReleaseCommand(ctx: CliContext): Command {
  return withStuckOptions(withGatewayOption(new Command('release').description('put stuck IN_PROGRESS jobs back to PENDING (checkpointJobs moveToPending) and report how many were released')), MAX_RELEASE_LIMIT, 1000)
    .option('--yes', 'do not ask for confirmation (needed when stdin is not a terminal)')
    .option('--json', 'print one JSON document (stable keys) instead of text')
    .argument('<queue>', 'the queue')
    .addHelpText('after', HELP)
    .action(async (queue: string, options: ReleaseOptions) => {
      ctx.json = options.json === true;
      ctx.exitCode = await runRelease(ctx, requireQueueName(queue), options);
    });
}

async function runRelease(ctx: CliContext, queue: string, options: ReleaseOptions): Promise<number> {
  const { report, gateway, connection } = await searchStuck(ctx, queue, options);
  const json = options.json === true;
  if (report.jobs.length === 0) {
    const nothing: ReleaseReport = { queue, attempted: 0, released: 0, skipped: 0, notReleased: 0, results: [] };
    ctx.io.stdout.write(json ? toJson({ gateway, stuck: stuckReportJson(report), ...releaseJson(nothing), exitCode: EXIT_CODES.OK }) : `${formatStuckReport(report)}\nNothing to release.\n`);
    return EXIT_CODES.OK;
  }
  if (!json) ctx.io.stdout.write(`${formatStuckReport(report)}\n`);
  await confirmWrite(ctx, `Release ${report.jobs.length} stuck job(s) of queue ${queue} to PENDING?`, { yes: options.yes === true, plan: { gateway, stuck: stuckReportJson(report) } });
  const released = await ctx.interruption.duringWrite(() => releaseStuckJobs(connection, queue, report.jobs));
  const exitCode = releaseExitCode(released);
  ctx.io.stdout.write(json ? toJson({ gateway, stuck: stuckReportJson(report), ...releaseJson(released), exitCode }) : `${formatRelease(released, report)}\n`);
  return exitCode;
}

/** 0 when every stuck job asked for was released, else PROBLEMS (2): stuck jobs may remain. */
export function releaseExitCode(report: Pick<ReleaseReport, 'attempted' | 'released'>): number {
  return report.released === report.attempted ? EXIT_CODES.OK : EXIT_CODES.PROBLEMS;
}

function releaseJson(r: ReleaseReport): Record<string, unknown> {
  return { queue: r.queue, attempted: r.attempted, released: r.released, skipped: r.skipped, notReleased: r.notReleased, results: r.results };
}

function formatRelease(r: ReleaseReport, stuck: StuckReport): string {
  const lines = [`Released ${r.released} of ${r.attempted} stuck job(s) of queue ${r.queue}.`];
  const others = r.results.filter((x) => !x.released);
  if (others.length > 0) {
    lines.push(`Not released (${others.length}):`, formatTable(['DESCRIPTOR', 'STATE NOW', 'WHY'], others.map((x) => [field(x.descriptor, 100), x.stateAfter ?? '-', describeOutcome(x.outcome)])));
  }
  if (stuck.found > stuck.jobs.length) lines.push(`${stuck.found - stuck.jobs.length} more stuck job(s) beyond --limit: run the command again.`);
  return lines.join('\n');
}
