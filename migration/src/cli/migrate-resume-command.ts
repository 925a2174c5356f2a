/** `pinlater-ops migrate resume <queue> [--yes] [--json]`: resumes a paused migration (migration-row-change.ts). */
import { Command } from 'commander';
import type { CliContext } from './cli-context';
import { exitCodesHelp } from './exit-codes';
import { CREDENTIAL_HELP, rowChangeCommand } from './migration-row-change';

export function migrateResumeCommand(ctx: CliContext): Command {
  return rowChangeCommand(ctx, new Command('resume').description("resume a paused migration").argument('<queue>', 'the queue'), `
${CREDENTIAL_HELP}

${exitCodesHelp(['NOT_CONFIRMED', 'REFUSED', 'PERMISSION_DENIED'])}

Examples:
  pinlater-ops migrate resume my_queue
  pinlater-ops migrate resume my_queue --yes`, () => ({
    verb: 'resume', after: { paused: false },
    describe: () => 'resume the copier', already: (row) => !row.paused,
    apply: (m, queue) => m.states.setPaused(queue, false),
  }));
}
