/**
 * `pinlater-ops local <status|start|stop|restart>`: the processes of the local bring-up one at a
 * time (issue 16), from the same table scripts/up.sh and scripts/down.sh read
 * (config/local-processes.conf) and with the same pid files and logs (.run/procs/). Unlike up.sh,
 * a command here looks only at the processes it names: a dead broker comes back while Redis is
 * down. One file per subcommand; needs no routing config and no credential.
 */
import { Command } from 'commander';
import type { CliContext } from './cli-context';
import { localRestartCommand, localStartCommand, localStopCommand } from './local-control-command';
import { localExitCodesHelp } from './local-exit-codes';
import { localStatusCommand } from './local-status-command';

const HELP = `
  pinlater-ops local status [name...] [--json]
  pinlater-ops local start <name...> [--timeout-seconds <s>] [--json]
  pinlater-ops local stop <name...> [--timeout-seconds <s>] [--json]
  pinlater-ops local restart <name...> [--timeout-seconds <s>] [--json]
Each also takes --root <dir>, --processes-file <file> and --run-dir <dir> (a scratch table and
run directory; defaults: this repository, config/local-processes.conf, .run/procs). Names are the
table's (local status lists them). The whole bring-up: bash scripts/up.sh, bash scripts/down.sh.

${localExitCodesHelp(['PROBLEMS', 'REFUSED'])}

Examples:
  pinlater-ops local status
  pinlater-ops local restart pacer-broker
  pinlater-ops local stop demo-producer worker-pools && pinlater-ops local start demo-producer worker-pools
  tail -n 50 .run/procs/pacer-broker.log`;

export function localCommand(ctx: CliContext): Command {
  const command = new Command('local')
    .description('the local bring-up, one process at a time: status, start, stop, restart (pid files and logs in .run/procs/)')
    .addHelpText('after', HELP);
  for (const make of [localStatusCommand, localStartCommand, localStopCommand, localRestartCommand]) command.addCommand(make(ctx));
  return command;
}
