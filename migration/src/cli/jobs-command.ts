/**
 * `pinlater-ops jobs <stuck|release|retry-failed|delete>`: a queue's jobs through a PinLater
 * gateway (PinLater Thrift, every backend), one file per subcommand. Each one that changes jobs
 * reports how many it changed.
 */
import { Command } from 'commander';
import type { CliContext } from './cli-context';
import { exitCodesHelp } from './exit-codes';
import { GATEWAY_HELP, JOBS_ERROR_MEANING } from './jobs-help';
import { jobsDeleteCommand } from './jobs-delete-command';
import { jobsReleaseCommand } from './jobs-release-command';
import { jobsRetryFailedCommand } from './jobs-retry-failed-command';
import { jobsStuckCommand } from './jobs-stuck-command';

const HELP = `
${GATEWAY_HELP}
The commands that change jobs show what they will do and ask y/N; without a terminal on stdin
they need --yes. No credential: whoever can reach the gateway can make these calls.

${exitCodesHelp(['PROBLEMS', 'NOT_CONFIRMED', 'INCOMPLETE'], {
    PROBLEMS: 'stuck: stuck jobs found; release: not every stuck job was released',
    NOT_CONFIRMED: 'not confirmed (no terminal and no --yes, or not answered y): nothing changed',
    INCOMPLETE: 'stuck: none found among the jobs read, but not every IN_PROGRESS job was read (--scan-limit)',
    ERROR: JOBS_ERROR_MEANING,
  })}

Examples:
  pinlater-ops jobs stuck my_queue --older-than-seconds 600
  pinlater-ops jobs release my_queue --older-than-seconds 600 --yes
  pinlater-ops jobs retry-failed my_queue --priority 1 --limit 500
  pinlater-ops jobs delete my_queue --state failed --body-regex 'bad_batch_7'
  pinlater-ops jobs stuck my_queue --gateway 127.0.0.1:9012 --json`;

export function jobsCommand(ctx: CliContext): Command {
  const command = new Command('jobs')
    .description("a queue's jobs through the gateway: find stuck ones, release them, retry failed ones, delete")
    .addHelpText('after', HELP);
  for (const make of [jobsStuckCommand, jobsReleaseCommand, jobsRetryFailedCommand, jobsDeleteCommand]) command.addCommand(make(ctx));
  return command;
}
