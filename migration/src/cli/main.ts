/**
 * `pinlater-ops`: the operator command of the routing gateways (issue 10) and of Pacer's tools.
 * Run it as `npx pinlater-ops …` or `node bin/pinlater-ops.cjs …` (the package.json `bin`, which
 * loads this file through tsx), or `npx tsx migration/src/cli/main.ts …`. Synopsis, exit codes,
 * variables and examples: `pinlater-ops --help`, and migration/README.md.
 *
 * This file: the program (global options, subcommands), one run of it (`runPinlaterOps`: errors to
 * one line on stderr and an exit code, every connection closed before it returns), and the process
 * wrapper (`runPinlaterOpsProcess`: the only place the CLI reads `process.env` and `process.argv`).
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../../../core/src/config/parse-config';
import { coerceError } from '../../../core/src/errors/coerce-error';
import { adoptCommand } from './adopt-command';
import { loadCliEnvironment, PREVIOUS_CREDENTIAL_FILE_VARIABLE, ROUTING_CONFIG_VARIABLE, type Environment } from './cli-config';
import type { CliContext, CliIo } from './cli-context';
import { CliFailure, exitCodeNameOf, exitCodeOf } from './cli-failure';
import { DEFAULT_ZK_TIMEOUT_MS } from './command-context';
import { EXIT_CODES, exitCodesHelp } from './exit-codes';
import { finalizeCommand } from './finalize-command';
import { historyCommand } from './history-command';
import { limitsCommand } from './limits-command';
import { Interruption } from './interruption';
import { jobsCommand } from './jobs-command';
import { localCommand } from './local-command';
import { migrateCommand } from './migrate-command';
import { parsePositive } from './option-parsers';
import { toJson } from './output-format';
import { pacerCommand } from './pacer-commands';
import { planCommand } from './plan-command';
import { queueCommand } from './queue-command';
import { ResourceStack } from './resource-stack';
import { rollbackCommand } from './rollback-command';
import { routeCommand } from './route-command';
import { setupCommand } from './setup-command';
import { shadowCommand } from './shadow-command';
import { statusCommand } from './status-command';
import { verifyCommand } from './verify-command';

const MAIN_HELP = `
Routing commands read the routing gateway config (--config, else $${ROUTING_CONFIG_VARIABLE}): the
same file the gateways run with (legacy clusters, Pacer, routing.zookeeper and routing.root).
status, history, plan, verify, shadow status, migrate status and limits show only read; setup,
adopt, route, shadow start/stop, migrate start/pause/resume/rate, rollback, finalize, queue
pause/unpause and limits set/clear write and need the routing operator credential from the
environment, never a flag:
  PINLATER_ROUTING_CREDENTIAL_FILE   a file holding user:password (preferred)
  PINLATER_ROUTING_CREDENTIAL        user:password
  ${PREVIOUS_CREDENTIAL_FILE_VARIABLE}   setup: the credential being rotated out
A write shows what it will change and asks y/N; without a terminal on stdin it needs --yes.
jobs and queue status talk PinLater Thrift to a gateway (--gateway, default 127.0.0.1:9010);
local controls the processes of the local bring-up (config/local-processes.conf) and needs
neither config nor credential. Each command's --help lists its own exit codes.

${exitCodesHelp(['PROBLEMS', 'NOT_CONFIRMED', 'REFUSED', 'JOBS_REMAIN', 'CONFLICT', 'PERMISSION_DENIED', 'MIGRATION_ACTIVE', 'MISMATCH', 'INCOMPLETE'])}
(pinlater-ops pacer … keeps the exit codes of Pacer's tools, see their --help; pacer settings,
which writes the Pacer cluster's settings without the routing credential, uses the table above.)

Examples:
  pinlater-ops --config config/routing.local.json status
  export PINLATER_ROUTING_CONFIG=config/routing.local.json PINLATER_ROUTING_CREDENTIAL_FILE=config/routing-operator.local.credential
  pinlater-ops adopt
  pinlater-ops route my_queue --to pacer --by alice --reason "moving to Pacer"
  pinlater-ops history my_queue --limit 5
  pinlater-ops shadow start my_queue && pinlater-ops shadow status my_queue
  pinlater-ops plan my_queue && pinlater-ops migrate start my_queue --wait
  pinlater-ops migrate status
  pinlater-ops verify my_queue && pinlater-ops finalize my_queue
  pinlater-ops pacer status --zk 127.0.0.1:2181 --cluster pacer
  pinlater-ops pacer broker-status --broker 127.0.0.1:9020
  pinlater-ops pacer settings --zk 127.0.0.1:2181 --cluster pacer
  pinlater-ops local status && pinlater-ops local restart pacer-broker
  pinlater-ops queue status my_queue && pinlater-ops jobs stuck my_queue --older-than-seconds 600
  pinlater-ops jobs release my_queue --older-than-seconds 600 --yes
  pinlater-ops queue pause my_queue --reason "downstream outage" --yes && pinlater-ops limits show my_queue`;

function buildProgram(ctx: CliContext, argv: readonly string[]): Command {
  const program = new Command('pinlater-ops')
    .description('Operator command: where each queue is served (legacy PinLater clusters or Pacer), shadow mode, migrations between them, the routing history, queue limits and pauses, jobs (stuck, release, retry, delete), the processes of the local bring-up, and Pacer tools')
    .option('--config <file>', `routing gateway config, the file the gateways run with (default: $${ROUTING_CONFIG_VARIABLE})`)
    .option('--zk-timeout-ms <ms>', 'bound on reaching ZooKeeper', parsePositive, DEFAULT_ZK_TIMEOUT_MS)
    .option('--verbose', 'stack traces on errors, backend warnings on stderr')
    .addHelpText('after', MAIN_HELP);
  for (const make of [statusCommand, adoptCommand, routeCommand, historyCommand, setupCommand, planCommand, shadowCommand, migrateCommand, rollbackCommand, verifyCommand, finalizeCommand, localCommand, jobsCommand, queueCommand, limitsCommand]) {
    program.addCommand(make(ctx));
  }
  program.addCommand(pacerCommand(ctx, argv.includes('pacer')));
  configureAll(program, ctx.io);
  return program;
}

/** Every command (nested ones too) throws instead of exiting, and writes to the run's streams. */
function configureAll(command: Command, io: CliIo): void {
  command
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  for (const sub of command.commands) configureAll(sub, io);
}

/** One run: resolves with the exit code; every connection the command opened is closed first. */
export async function runPinlaterOps(argv: readonly string[], io: CliIo, env: Environment): Promise<number> {
  const verbose = argv.includes('--verbose');
  const interruption = new Interruption(io.stderr);
  const resources = new ResourceStack();
  interruption.install();
  try {
    const ctx: CliContext = { io, environment: loadCliEnvironment(env), resources, interruption, json: false, exitCode: EXIT_CODES.OK };
    try {
      await interruption.run(buildProgram(ctx, argv).parseAsync([...argv], { from: 'user' }));
      return ctx.exitCode;
    } catch (e) {
      return reportFailure(io, e, { verbose, json: ctx.json });
    }
  } catch (e) {
    return reportFailure(io, e, { verbose, json: false });
  } finally {
    await resources.closeAll((name, problem) => {
      if (verbose) io.stderr.write(`pinlater-ops: closing ${name} failed: ${coerceError(problem).message}\n`);
    });
    interruption.uninstall();
  }
}

/** One line on stderr (with the stack under --verbose); with --json also one JSON document on stdout. */
function reportFailure(io: CliIo, error: unknown, options: { verbose: boolean; json: boolean }): number {
  const code = exitCodeOf(error);
  if (error instanceof CommanderError) return code; // commander printed the usage error or the help
  const e = coerceError(error);
  io.stderr.write(`pinlater-ops: ${oneLine(error, e)}\n`);
  if (options.verbose && !(error instanceof CliFailure)) io.stderr.write(`${stackWithCauses(e)}\n`);
  if (options.json) {
    const detail = error instanceof CliFailure ? error.detail : {};
    io.stdout.write(toJson({ error: { code: exitCodeNameOf(error), message: oneLine(error, e), ...detail }, exitCode: code }));
  }
  return code;
}

/** The failure as one line: a config's problems joined, any other message with its line breaks escaped. */
function oneLine(error: unknown, e: Error): string {
  if (error instanceof ConfigError) return `invalid ${error.what}: ${error.problems.join('; ')}`;
  return e.message.replace(/\r?\n\s*/g, ' | ');
}

function stackWithCauses(e: Error): string {
  const parts = [e.stack ?? e.message];
  for (let cause = e.cause, depth = 0; cause !== undefined && depth < 5; cause = (cause as { cause?: unknown }).cause, depth += 1) {
    parts.push(`caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`);
  }
  return parts.join('\n');
}

/** How long a process whose work is done may keep running because something did not close. */
const EXIT_GRACE_MS = 5000;

/** The process: argv, environment and streams of this process; sets its exit code. */
export function runPinlaterOpsProcess(): void {
  // `pinlater-ops status | head`: once the reader is gone, output is dropped and the command still
  // finishes (and closes its connections) instead of dying on an unhandled EPIPE.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') process.stderr.write(`pinlater-ops: stdout: ${e.message}\n`);
  });
  const io: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
  const argv = process.argv.slice(2);
  runPinlaterOps(argv, io, process.env).then(
    (code) => {
      process.exitCode = code;
      if (code === EXIT_CODES.INTERRUPTED || code === EXIT_CODES.TERMINATED) process.exit(code);
      // Everything is closed, so the process normally ends on its own at once. Should a library
      // still hold a handle, do not keep the operator waiting; with --verbose, say what it was (only
      // then: a socket still finishing its close is not a leak, it ends before this timer).
      setTimeout(() => {
        if (argv.includes('--verbose')) reportOpenHandles(io);
        process.exit(code);
      }, EXIT_GRACE_MS).unref();
    },
    (e: unknown) => {
      process.stderr.write(`pinlater-ops: ${coerceError(e).message}\n`);
      process.exit(EXIT_CODES.ERROR);
    },
  );
}

/** --verbose: what still kept the process alive EXIT_GRACE_MS after every connection was closed (stdio aside); normally never called. */
function reportOpenHandles(io: CliIo): void {
  const open = process.getActiveResourcesInfo().filter((type) => type !== 'PipeWrap' && type !== 'TTYWrap');
  if (open.length > 0) io.stderr.write(`pinlater-ops: still open after closing: ${open.join(', ')}\n`);
}

if (require.main === module) runPinlaterOpsProcess();
