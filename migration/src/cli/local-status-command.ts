/**
 * `pinlater-ops local status [name...] [--json]`: each process of the local bring-up (all, or the
 * ones named): its pid (from its pid file) alive or not, its port listening or not, its state
 * (local-process-state.ts), log and hint. Looks at nothing else (no service, no other process);
 * changes nothing. Exit PROBLEMS when a process listed is not running.
 */
import { Command } from 'commander';
import type { CliContext } from './cli-context';
import { EXIT_CODES } from './exit-codes';
import { localExitCodesHelp } from './local-exit-codes';
import { isProblemState, readProcessState, type LocalProcessState } from './local-process-state';
import { openLocalSetup, selectProcesses, shownPath, withLocalOptions, type LocalOptions, type LocalSetup } from './local-setup';
import { field, formatTable, toJson } from './output-format';

const HELP = `
States: running (pid alive, port listening), not listening (pid alive, port not: starting or
hung), orphaned (pid gone, its process group is not: e.g. kill -9 of the tsx wrapper left the node
child; local restart ends it), port taken (not running, its port used by another process),
stopped (not running), no entry (its entry file does not exist yet; not a problem).

${localExitCodesHelp(['PROBLEMS'])}

Examples:
  pinlater-ops local status
  pinlater-ops local status pacer-broker gateway-pacer
  pinlater-ops local status --json | jq -r '.processes[] | select(.state != "running") | .name'`;

export function localStatusCommand(ctx: CliContext): Command {
  return withLocalOptions(new Command('status'))
    .description('show each local process: pid alive, port listening, state, log, hint')
    .argument('[name...]', 'only these processes (default: every process of the table)')
    .addHelpText('after', HELP)
    .action(async (names: string[], options: LocalOptions) => {
      ctx.json = options.json === true;
      ctx.exitCode = await runLocalStatus(ctx, names, options);
    });
}

async function runLocalStatus(ctx: CliContext, names: readonly string[], options: LocalOptions): Promise<number> {
  const setup = openLocalSetup(ctx, options);
  const entries = selectProcesses(setup.table, names);
  const states = await Promise.all(entries.map((e) => readProcessState(setup.root, setup.runDir, e)));
  const problems = states.filter((s) => isProblemState(s.state));
  const exitCode = problems.length === 0 ? EXIT_CODES.OK : EXIT_CODES.PROBLEMS;
  ctx.io.stdout.write(options.json === true
    ? toJson({ processesFile: setup.table.file, runDir: setup.runDir.dir, processes: states, problems: problems.map((p) => p.name), exitCode })
    : `${formatLocalStatus(setup, states, problems)}\n`);
  return exitCode;
}

function formatLocalStatus(setup: LocalSetup, states: readonly LocalProcessState[], problems: readonly LocalProcessState[]): string {
  const pid = (s: LocalProcessState): string => (s.pid === null ? '-' : `${s.pid} ${s.pidAlive ? 'alive' : 'gone'}`);
  return [
    `Local processes of ${shownPath(setup, setup.table.file)} (pid files and logs in ${shownPath(setup, setup.runDir.dir)}/):`,
    formatTable(['NAME', 'STATE', 'PID', 'PORT', 'LOG', 'HINT'], states.map((s) => [
      s.name, s.state, pid(s), `${s.port} ${s.listening ? 'listening' : 'free'}`, shownPath(setup, s.log), field(s.hint, 200),
    ])),
    problems.length > 0 ? `Problems (${problems.length}):` : states.every((s) => s.state === 'running') ? 'Every process listed is running.' : 'No problem:',
    ...states.filter((s) => s.state !== 'running').map((s) => `  ${s.name}: ${s.detail}`),
  ].join('\n');
}
