/**
 * `pinlater-ops jobs retry-failed <queue> [--priority p] [--attempts n] [--limit N]
 * [--gateway host:port] [--yes] [--json]`: PinLater's retryFailedJobs through the gateway (FAILED
 * jobs of one priority back to PENDING), reporting the count it returned and the FAILED jobs left.
 */
import { Command } from 'commander';
import type { Endpoint } from '../../../core/src/config/endpoint';
import { JobState } from '../../../core/src/types/job-state';
import type { CliContext } from './cli-context';
import { confirmWrite } from './confirmation';
import { exitCodesHelp } from './exit-codes';
import { connectGateway, describeEndpoint, gatewayOf, withGatewayOption, type GatewayConnection } from './gateway-client';
import { GATEWAY_HELP, JOBS_ERROR_MEANING } from './jobs-help';
import { limitParser, parsePriority, requireQueueName } from './job-options';
import { toJson } from './output-format';

/**
 * PinLater's Redis retry script moves every id of one call with one Lua `unpack`: 4000 ids or more
 * fail after they were removed from the failed set, losing the jobs (FACTS §6.4, §11.22).
 */
export const MAX_RETRY_LIMIT = 3999;
const MAX_ATTEMPTS = 2_147_483_647;

interface RetryOptions {
  readonly priority: number;
  readonly attempts: number;
  readonly limit: number;
  readonly gateway?: Endpoint;
  readonly yes?: boolean;
  readonly json?: boolean;
}

const HELP = `
FAILED jobs of one priority (PinLater's retryFailedJobs works on one priority per call; default 1)
go back to PENDING, due now, with --attempts attempts (attemptsToAllow; attemptsAllowed is kept).
The oldest failures go first on legacy Redis; legacy MySQL and Pacer pick any. --limit is capped
at ${MAX_RETRY_LIMIT}: PinLater's Redis script loses the jobs of a call of 4000 or more. The report
gives the count retryFailedJobs returned and the FAILED jobs left in the queue (all priorities);
run it again, or with another --priority, while some are left.
${GATEWAY_HELP}

${exitCodesHelp(['NOT_CONFIRMED'], {
    NOT_CONFIRMED: 'not confirmed (no terminal and no --yes, or not answered y): nothing retried',
    ERROR: `${JOBS_ERROR_MEANING}; a priority the queue does not have is an error on legacy MySQL and Pacer`,
  })}

Examples:
  pinlater-ops jobs retry-failed my_queue
  pinlater-ops jobs retry-failed my_queue --priority 2 --attempts 3 --limit 500 --yes --json | jq '.retried'`;

export function jobsRetryFailedCommand(ctx: CliContext): Command {
  return withGatewayOption(new Command('retry-failed').description('move FAILED jobs of one priority back to PENDING (retryFailedJobs) and report how many'))
    .argument('<queue>', 'the queue')
    .option('--priority <p>', 'the priority whose FAILED jobs are retried', parsePriority, 1)
    .option('--attempts <n>', 'attempts each retried job gets (attemptsToAllow)', limitParser(MAX_ATTEMPTS, 'a 32-bit integer'), 1)
    .option('--limit <n>', `most jobs retried (max ${MAX_RETRY_LIMIT})`, limitParser(MAX_RETRY_LIMIT, "PinLater's Redis retry loses the jobs of a call of 4000 or more"), 1000)
    .option('--yes', 'do not ask for confirmation (needed when stdin is not a terminal)')
    .option('--json', 'print one JSON document (stable keys) instead of text')
    .addHelpText('after', HELP)
    .action(async (queue: string, options: RetryOptions) => {
      ctx.json = options.json === true;
      ctx.exitCode = await runRetry(ctx, requireQueueName(queue), options);
    });
}

async function runRetry(ctx: CliContext, queue: string, options: RetryOptions): Promise<number> {
  const endpoint = gatewayOf(options.gateway);
  const gateway = await connectGateway(ctx, endpoint);
  await gateway.requireQueue(queue);
  const failedBefore = await countFailed(gateway, queue, options.priority);
  const plan = { gateway: describeEndpoint(endpoint), queue, priority: options.priority, attempts: options.attempts, limit: options.limit, failedBefore };
  if (options.json !== true) ctx.io.stdout.write(`Queue ${queue}: ${failedBefore} FAILED job(s) of priority ${options.priority}; retrying up to ${options.limit} with ${options.attempts} attempt(s) each.\n`);
  await confirmWrite(ctx, `Retry up to ${options.limit} FAILED job(s) of priority ${options.priority} of queue ${queue}?`, { yes: options.yes === true, plan });
  const retried = await ctx.interruption.duringWrite(() => gateway.call('retryFailedJobs', (c) => c.retryFailed({ queue, priority: options.priority, attemptsToAllow: options.attempts, limit: options.limit })));
  const failedLeft = await countFailed(gateway, queue, undefined);
  ctx.io.stdout.write(options.json === true
    ? toJson({ ...plan, retried, failedLeft, exitCode: 0 })
    : `Retried ${retried} FAILED job(s) of queue ${queue} (priority ${options.priority}): PENDING now. FAILED jobs left (all priorities): ${failedLeft}.\n`);
  return 0;
}

/** FAILED jobs (current and future run-after) of one priority, or of all when `priority` is undefined. */
async function countFailed(gateway: GatewayConnection, queue: string, priority: number | undefined): Promise<number> {
  const counts = await Promise.all([false, true].map((future) => gateway.call('getJobCount', (c) => c.count({ queue, state: JobState.FAILED, future, ...(priority === undefined ? {} : { priority }) }))));
  return counts.reduce((a, b) => a + b, 0);
}
