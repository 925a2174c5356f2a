/**
 * `pinlater-ops jobs delete <queue> --state pending|in_progress|succeeded|failed [--priority p]
 * [--body-regex r] [--limit N] [--gateway host:port] [--yes] [--json]`: PinLater's deleteJobs
 * through the gateway, reporting the count it returned and the matching jobs left.
 */
import { Command } from 'commander';
import type { Endpoint } from '../../../core/src/config/endpoint';
import type { JobState } from '../../../core/src/types/job-state';
import type { CliContext } from './cli-context';
import { confirmWrite } from './confirmation';
import { exitCodesHelp } from './exit-codes';
import { connectGateway, describeEndpoint, gatewayOf, withGatewayOption, type GatewayConnection } from './gateway-client';
import { GATEWAY_HELP, JOBS_ERROR_MEANING } from './jobs-help';
import { limitParser, parseBodyRegex, parseJobState, parsePriority, requireQueueName, stateLabel } from './job-options';
import { field, toJson } from './output-format';

/** Ours: one deleteJobs call holds a legacy Redis shard for the whole delete. */
export const MAX_DELETE_LIMIT = 100_000;

interface DeleteOptions {
  readonly state: JobState;
  readonly priority: number;
  readonly bodyRegex?: string;
  readonly limit: number;
  readonly gateway?: Endpoint;
  readonly yes?: boolean;
  readonly json?: boolean;
}

const HELP = `
Deletes up to --limit jobs of one state and one priority (PinLater's deleteJobs works on one
priority per call; default 1), optionally only those whose body matches --body-regex. The regex
language is the backend's: a Lua pattern on legacy Redis (unanchored, % escapes, no alternation),
MySQL REGEXP on legacy MySQL and Pacer; patterns like 'job_42' or '^batch' mean the same in both.
On legacy Redis a --body-regex delete may delete fewer than it could (PinLater pages by rank while
deleting). Deleting IN_PROGRESS jobs does not stop the workers running them (their acks become
no-ops). The report gives the count deleteJobs returned and the matching jobs left.
${GATEWAY_HELP}

${exitCodesHelp(['NOT_CONFIRMED'], {
    NOT_CONFIRMED: 'not confirmed (no terminal and no --yes, or not answered y): nothing deleted',
    ERROR: `${JOBS_ERROR_MEANING}; a priority the queue does not have is an error on legacy MySQL and Pacer`,
  })}

Examples:
  pinlater-ops jobs delete my_queue --state failed
  pinlater-ops jobs delete my_queue --state pending --priority 2 --body-regex 'bad_batch_7' --limit 100 --yes --json | jq '.deleted'`;

export function jobsDeleteCommand(ctx: CliContext): Command {
  return withGatewayOption(new Command('delete').description('delete jobs of one state and priority (deleteJobs), optionally by body regex, and report how many'))
    .argument('<queue>', 'the queue')
    .requiredOption('--state <state>', 'pending, in_progress, succeeded or failed', parseJobState)
    .option('--priority <p>', 'the priority whose jobs are deleted', parsePriority, 1)
    .option('--body-regex <regex>', "only jobs whose body matches (the backend's regex language, see below)", parseBodyRegex)
    .option('--limit <n>', `most jobs deleted (max ${MAX_DELETE_LIMIT})`, limitParser(MAX_DELETE_LIMIT, 'jobs per call'), 1000)
    .option('--yes', 'do not ask for confirmation (needed when stdin is not a terminal)')
    .option('--json', 'print one JSON document (stable keys) instead of text')
    .addHelpText('after', HELP)
    .action(async (queue: string, options: DeleteOptions) => {
      ctx.json = options.json === true;
      ctx.exitCode = await runDelete(ctx, requireQueueName(queue), options);
    });
}

async function runDelete(ctx: CliContext, queue: string, options: DeleteOptions): Promise<number> {
  const endpoint = gatewayOf(options.gateway);
  const gateway = await connectGateway(ctx, endpoint);
  await gateway.requireQueue(queue);
  const matchingBefore = await countMatching(gateway, queue, options);
  const state = stateLabel(options.state);
  const what = `${state} job(s) of priority ${options.priority}${options.bodyRegex === undefined ? '' : ` whose body matches '${field(options.bodyRegex)}'`}`;
  const plan = { gateway: describeEndpoint(endpoint), queue, state, priority: options.priority, bodyRegex: options.bodyRegex ?? null, limit: options.limit, matchingBefore };
  if (options.json !== true) ctx.io.stdout.write(`Queue ${queue}: ${matchingBefore} ${what}; deleting up to ${options.limit}.\n`);
  await confirmWrite(ctx, `Delete up to ${options.limit} ${what} from queue ${queue}?`, { yes: options.yes === true, plan });
  const deleted = await ctx.interruption.duringWrite(() => gateway.call('deleteJobs', (c) => c.deleteJobs({
    queue, state: options.state, priority: options.priority, limit: options.limit, ...(options.bodyRegex === undefined ? {} : { bodyRegex: options.bodyRegex }),
  })));
  const matchingLeft = await countMatching(gateway, queue, options);
  ctx.io.stdout.write(options.json === true
    ? toJson({ ...plan, deleted, matchingLeft, exitCode: 0 })
    : `Deleted ${deleted} ${state} job(s) of queue ${queue} (priority ${options.priority}). Matching jobs left: ${matchingLeft}.\n`);
  return 0;
}

/** Jobs of the options' state, priority and regex (current and future run-after). */
async function countMatching(gateway: GatewayConnection, queue: string, options: DeleteOptions): Promise<number> {
  const counts = await Promise.all([false, true].map((future) => gateway.call('getJobCount', (c) => c.count({
    queue, state: options.state, priority: options.priority, future, ...(options.bodyRegex === undefined ? {} : { bodyRegex: options.bodyRegex }),
  }))));
  return counts.reduce((a, b) => a + b, 0);
}
