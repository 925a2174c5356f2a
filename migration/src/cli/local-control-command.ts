/**
 * `pinlater-ops local start|stop|restart <name...> [--timeout-seconds <s>] [--json]`: one process
 * of the local bring-up at a time (local-process-start.ts, local-process-stop.ts; restart = stop,
 * then start), looking at nothing but the named processes: no service health, no other process.
 * The names are checked against the table before anything is done; then each is handled in the
 * order given, and the command ends with the first failure's exit code (the others still run).
 */
import { Command } from 'commander';
import { renderUntrusted } from '../../../core/src/util/render-untrusted';
import type { CliContext } from './cli-context';
import { EXIT_CODES } from './exit-codes';
import type { LocalControlOutcome, LocalStep, LocalWait } from './local-control-outcome';
import { localExitCodesHelp } from './local-exit-codes';
import { startLocalProcess } from './local-process-start';
import { stopLocalProcess } from './local-process-stop';
import type { LocalProcessEntry } from './local-process-table';
import { openLocalSetup, selectProcesses, shownPath, withLocalOptions, type LocalOptions, type LocalSetup } from './local-setup';
import { parsePositive } from './option-parsers';
import { toJson } from './output-format';

type LocalControl = 'start' | 'stop' | 'restart';

interface ControlOptions extends LocalOptions {
  readonly timeoutSeconds: number;
}

export const DEFAULT_LOCAL_TIMEOUT_S = 60;

const STEPS: Readonly<Record<LocalControl, readonly LocalStep[]>> = { start: ['start'], stop: ['stop'], restart: ['stop', 'start'] };

const DESCRIPTIONS: Readonly<Record<LocalControl, string>> = {
  start: "start local processes (as up.sh does: own process group, pid file, log appended) and wait until each listens on its port",
  stop: 'stop local processes: SIGTERM to the process group, SIGKILL after --timeout-seconds, pid file removed',
  restart: 'stop, then start local processes (also ends an orphaned process group)',
};

const DETAILS: Readonly<Record<LocalControl, string>> = {
  start: `Runs the table's command (config/local-processes.conf) from the repository root, without a
shell, detached in its own process group (setsid); stdout and stderr are appended to
.run/procs/<name>.log and the pid written to .run/procs/<name>.pid, exactly as scripts/up.sh does,
so up.sh, down.sh and these commands take over each other's processes. Then waits until the port
listens: a process that exits first, or is not listening after --timeout-seconds (it is then left
running), fails the start with the last lines its log got. Already running: said so, exit 0. Its
port used by a process the table did not start, or an orphaned process group: refused. Services
(Redis, MySQL, ZooKeeper) and other processes are not looked at.`,
  stop: `SIGTERM to the process group of the pid in .run/procs/<name>.pid (the process and its
children, e.g. the node process under tsx; a broker first hands its partitions off), waits up to
--timeout-seconds for every process of the group to exit, then SIGKILL; the pid file is removed
once the group is gone. Not running: its stale pid file is removed, exit 0. A process it did not
start is never signalled.`,
  restart: `local stop, then local start, of each process named in turn (a stop that fails skips its
start). Keeps the pid file's path and appends to the same log. Services and other processes are
not looked at, so one dead process comes back even while another part of the bring-up is down.`,
};

const EXAMPLES: Readonly<Record<LocalControl, string>> = {
  start: `  pinlater-ops local start pacer-broker
  pinlater-ops local start pacer-controller pacer-broker gateway-pacer --timeout-seconds 120`,
  stop: `  pinlater-ops local stop demo-producer worker-pools
  pinlater-ops local stop pacer-broker --timeout-seconds 20 --json`,
  restart: `  pinlater-ops local restart pacer-broker
  pinlater-ops local restart gateway gateway-pacer --json | jq '.results[] | {name, step, action, pid}'`,
};

/** A `local` subcommand that starts, stops or restarts the processes named. */
function localControlCommand(kind: LocalControl): (ctx: CliContext) => Command {
  return (ctx) => withLocalOptions(new Command(kind))
    .description(DESCRIPTIONS[kind])
    .argument('<name...>', 'process names of the table (pinlater-ops local status lists them)')
    .option('--timeout-seconds <s>', kind === 'stop' ? 'wait this long after SIGTERM before SIGKILL' : 'start: wait this long for the port; stop: after SIGTERM before SIGKILL', parsePositive, DEFAULT_LOCAL_TIMEOUT_S)
    .addHelpText('after', `\n${DETAILS[kind]}\n\n${localExitCodesHelp(kind === 'stop' ? [] : ['REFUSED'])}\n\nExamples:\n${EXAMPLES[kind]}`)
    .action(async (names: string[], options: ControlOptions) => {
      ctx.json = options.json === true;
      ctx.exitCode = await runLocalControl(ctx, kind, names, options);
    });
}

export const localStartCommand = localControlCommand('start');
export const localStopCommand = localControlCommand('stop');
export const localRestartCommand = localControlCommand('restart');

async function runLocalControl(ctx: CliContext, kind: LocalControl, names: readonly string[], options: ControlOptions): Promise<number> {
  const setup = openLocalSetup(ctx, options);
  const entries = selectProcesses(setup.table, names);
  const wait: LocalWait = { timeoutMs: options.timeoutSeconds * 1000, checkpoint: () => ctx.interruption.checkpoint() };
  const outcomes: LocalControlOutcome[] = [];
  for (const entry of entries) {
    for (const step of STEPS[kind]) {
      const done = await runStep(setup, entry, step, wait);
      outcomes.push(done);
      if (options.json !== true) printOutcome(ctx, setup, done);
      if (done.exitCode !== 'OK') break;
    }
  }
  const exitCode = EXIT_CODES[outcomes.find((o) => o.exitCode !== 'OK')?.exitCode ?? 'OK'];
  if (options.json === true) ctx.io.stdout.write(toJson({ processesFile: setup.table.file, runDir: setup.runDir.dir, results: outcomes, exitCode }));
  return exitCode;
}

function runStep(setup: LocalSetup, entry: LocalProcessEntry, step: LocalStep, wait: LocalWait): Promise<LocalControlOutcome> {
  return step === 'start' ? startLocalProcess(setup, entry, wait) : stopLocalProcess(setup, entry, wait);
}

/** A success on stdout; a refusal or failure on stderr, with the log lines of a failed start. */
function printOutcome(ctx: CliContext, setup: LocalSetup, o: LocalControlOutcome): void {
  if (o.exitCode === 'OK') {
    ctx.io.stdout.write(`${o.name}: ${o.message}\n`);
    return;
  }
  const tail = o.logTail.length === 0 ? [] : [
    `--- last ${o.logTail.length} lines of ${shownPath(setup, o.log)} (this start) ---`, ...o.logTail.map((l) => renderUntrusted(l, 500)), '---',
  ];
  ctx.io.stderr.write(`${[`pinlater-ops: ${o.name}: ${o.message}`, ...tail].join('\n')}\n`);
}
