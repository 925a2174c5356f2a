/**
 * `pinlater-ops shadow <start|stop|status>`: shadow mode (issue 13), the optional step before a
 * migration. The queue stays served by its legacy cluster; gateways copy its enqueues to a shadow
 * queue in Pacer and compare read calls there (core/src/shadow/). One file per subcommand;
 * `migrate start` on a queue in shadow mode leaves it too (migrate-start-command.ts).
 */
import { Command } from 'commander';
import type { CliContext } from './cli-context';
import { exitCodesHelp } from './exit-codes';
import { shadowStartCommand } from './shadow-start-command';
import { shadowStatusCommand } from './shadow-status-command';
import { shadowStopCommand } from './shadow-stop-command';

const HELP = `
Shadow mode: legacy stays primary and answers every call; the gateways also write each enqueue to
the queue's shadow copy in Pacer (the queue zz_pacer_shadow__<queue>, never served to a client,
drained without running anything) and repeat read calls there to compare the answers (the
gateway's /dashboard, pinlater_shadow_* metrics).
  pinlater-ops shadow start <queue>     legacy -> shadow (creates the shadow queue in Pacer, seeds it with the backlog)
  pinlater-ops shadow status [<queue>]  queues in shadow mode, their shadow queues and copies
  pinlater-ops shadow stop <queue>      shadow -> legacy, then removes the shadow copies
  pinlater-ops migrate start <queue>    shadow -> migrating (to-pacer), then removes the shadow copies

${exitCodesHelp(['NOT_CONFIRMED', 'REFUSED', 'CONFLICT', 'PERMISSION_DENIED', 'MIGRATION_ACTIVE', 'INCOMPLETE'])}

Examples:
  pinlater-ops shadow start my_queue --yes --by alice --reason "compare before migrating"
  pinlater-ops shadow status my_queue
  pinlater-ops shadow stop my_queue --yes`;

export function shadowCommand(ctx: CliContext): Command {
  const command = new Command('shadow')
    .description("shadow mode: copy a legacy queue's traffic to Pacer and compare, before migrating it: start, stop, status")
    .addHelpText('after', HELP);
  for (const make of [shadowStartCommand, shadowStopCommand, shadowStatusCommand]) command.addCommand(make(ctx));
  return command;
}
