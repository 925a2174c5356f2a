/** `pinlater-ops migrate pause <queue> [--yes] [--json]`: pauses the copier on the queue (migration-row-change.ts). */
import { Command } from 'commander';
import type { CliContext } from './cli-context';
import { exitCodesHelp } from './exit-codes';
import { CREDENTIAL_HELP, rowChangeCommand } from './migration-row-change';

export function migratePauseCommand(ctx: CliContext): Command {
  return rowChangeCommand(ctx, new Command('pause').description("pause a queue's migration (the copier stops moving within about a second)").argument('<queue>', 'the queue'), `
Pausing stops the copier moving jobs; the queue stays migrating and is served from both sides.
${CREDENTIAL_HELP}

${exitCodesHelp(['NOT_CONFIRMED', 'REFUSED', 'PERMISSION_DENIED'])}

Examples:
  pinlater-ops migrate pause my_queue
  pinlater-ops migrate pause my_queue --yes --json`, () => ({
    verb: 'pause', after: { paused: true },
    describe: () => 'pause the copier', already: (row) => row.paused,
    apply: (m, queue) => m.states.setPaused(queue, true),
  }));
}
