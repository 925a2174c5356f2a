/** `pinlater-ops migrate rate <queue> <jobs/s> [--yes] [--json]`: changes a migration's copy rate limit (migration-row-change.ts). */
import { Command } from 'commander';
import type { CliContext } from './cli-context';
import { exitCodesHelp } from './exit-codes';
import { formatCount } from './migration-progress';
import { parseRate } from './option-parsers';
import { CREDENTIAL_HELP, rowChangeCommand } from './migration-row-change';

export function migrateRateCommand(ctx: CliContext): Command {
  return rowChangeCommand(ctx, new Command('rate').description("change a migration's copy rate limit (jobs/s)").argument('<queue>', 'the queue').argument('<jobs/s>', 'the new rate limit', parseRate), `
The copier takes the new rate within about a second; it still halves its rate while the source
store is slow.
${CREDENTIAL_HELP}

${exitCodesHelp(['NOT_CONFIRMED', 'REFUSED', 'PERMISSION_DENIED'])}

Examples:
  pinlater-ops migrate rate my_queue 500
  pinlater-ops migrate rate my_queue 5000 --yes --json`, (rate) => ({
    verb: 'rate', after: { rateLimitPerS: rate },
    describe: (row) => `change the rate limit from ${formatCount(row.rateLimitPerS)} to ${formatCount(rate)} jobs/s`,
    already: (row) => row.rateLimitPerS === rate,
    apply: (m, queue) => m.states.setRate(queue, rate),
  }));
}
