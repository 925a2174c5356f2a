/**
 * `pinlater-ops` run in the test's own process, with the given argv, environment and captured
 * streams, for the ops-cli tests that check a command's logic: a spawned CLI costs 3-7 s per call
 * (ops-cli-runner.ts is for what only a real process shows: the bin, the process exit, signals,
 * open handles after the run). It is what the bin runs (`runPinlaterOps`), with what the bin's
 * process would give it in the ops-cli-runner.ts setup: stdin that is not a terminal (no `isTTY`:
 * a write without --yes is not confirmed, as with stdin from /dev/null) and stdout and stderr that
 * are not terminals (no `isTTY`: no redrawing), and exactly the given environment.
 *
 *   const run = await runOps(['jobs', 'stuck', 'my_queue', '--gateway', address, '--json']);
 *   expect(run.code).toBe(2);
 *   const waiting = startOps(['migrate', 'start', 'q', '--yes', '--wait'], env); // output() so far, then done
 *
 * Each run must leave the process as it found it: once no run is active, SIGINT and SIGTERM have
 * exactly the listeners they had before (interruption.ts installs its own for a run), or the run
 * that ended last fails.
 *
 * `runSubcommand` runs a command that main.ts does not register (yet) the way main.ts would: under
 * the program's global options, inside its group, with the same context and failure reporting.
 */
import { Readable, Writable } from 'node:stream';
import { Command } from 'commander';
import { coerceError } from '../../core/src/errors/coerce-error';
import { loadCliEnvironment } from '../../migration/src/cli/cli-config';
import type { CliContext, CliIo } from '../../migration/src/cli/cli-context';
import { CliFailure, exitCodeOf } from '../../migration/src/cli/cli-failure';
import { DEFAULT_ZK_TIMEOUT_MS } from '../../migration/src/cli/command-context';
import { EXIT_CODES } from '../../migration/src/cli/exit-codes';
import { Interruption } from '../../migration/src/cli/interruption';
import { runPinlaterOps } from '../../migration/src/cli/main';
import { parsePositive } from '../../migration/src/cli/option-parsers';
import { toJson } from '../../migration/src/cli/output-format';
import { ResourceStack } from '../../migration/src/cli/resource-stack';
import type { CliRun } from './ops-cli-runner';

/** A command running in this process: what it printed so far, and its end. */
export interface RunningOps {
  output(): { stdout: string; stderr: string };
  readonly done: Promise<CliRun>;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
let activeRuns = 0;
let listenersBefore = new Map<string, readonly unknown[]>();

/** Marks a run active; the returned function ends it, failing when the last run left signal listeners behind. */
function trackSignalListeners(): () => void {
  if (activeRuns === 0) listenersBefore = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  activeRuns += 1;
  return () => {
    activeRuns -= 1;
    if (activeRuns > 0) return;
    const changed = SIGNALS.filter((signal) => {
      const before = listenersBefore.get(signal) ?? [];
      const now = process.listeners(signal);
      return now.length !== before.length || now.some((listener, i) => listener !== before[i]);
    });
    if (changed.length > 0) throw new Error(`pinlater-ops left process listeners behind for ${changed.join(', ')}`);
  };
}

function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Streams that are not terminals (no `isTTY`), stdin empty; what was written so far, and the run's result. */
function capturedIo(): { io: CliIo; output: () => { stdout: string; stderr: string }; result: (code: number) => CliRun } {
  const stdout = collector();
  const stderr = collector();
  const output = (): { stdout: string; stderr: string } => ({ stdout: stdout.text(), stderr: stderr.text() });
  return { io: { stdout: stdout.stream, stderr: stderr.stream, stdin: Readable.from([]) }, output, result: (code) => ({ code, ...output() }) };
}

/** `pinlater-ops …args` started in this process; `done` once it returned its exit code. */
export function startOps(args: readonly string[], env: Record<string, string> = {}): RunningOps {
  const { io, output, result } = capturedIo();
  const endRun = trackSignalListeners();
  const done = runPinlaterOps(args, io, env).finally(endRun).then(result);
  return { output, done };
}

export function runOps(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return startOps(args, env).done;
}

/** Each command line in turn (one at a time: each run adds its own SIGINT and SIGTERM listeners, and ten at once pass Node's leak warning). */
export async function runOpsInTurn(argvs: ReadonlyArray<readonly string[]>, env: Record<string, string> = {}): Promise<CliRun[]> {
  const runs: CliRun[] = [];
  for (const args of argvs) runs.push(await runOps(args, env));
  return runs;
}

/**
 * `pinlater-ops <command> --help` for each command, in turn: each exits 0 with nothing on stderr
 * and prints its usage line, its examples (`examples` matches their heading) and its exit codes.
 * Returns the runs, for what a page must say besides.
 */
export async function expectHelpPages(commands: ReadonlyArray<readonly string[]>, examples: RegExp = /Examples:/): Promise<CliRun[]> {
  const runs = await runOpsInTurn(commands.map((c) => [...c, '--help']));
  runs.forEach((run, i) => {
    const name = ['pinlater-ops', ...(commands[i] ?? [])].join(' ');
    expect({ name, code: run.code, stderr: run.stderr }).toEqual({ name, code: 0, stderr: '' });
    expect(run.stdout).toContain(`Usage: ${name}`);
    expect(run.stdout).toMatch(examples);
    expect(run.stdout).toContain('Exit codes:');
  });
  return runs;
}

/** `pinlater-ops …argv` with `make(ctx)` inside `group`: runSubcommand('queue', queueStatusCommand, ['queue', 'status', 'q']). */
export async function runSubcommand(group: string, make: (ctx: CliContext) => Command, argv: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  const { io, result } = capturedIo();
  const resources = new ResourceStack();
  const ctx: CliContext = { io, environment: loadCliEnvironment(env), resources, interruption: new Interruption(io.stderr), json: false, exitCode: EXIT_CODES.OK };
  const program = new Command('pinlater-ops')
    .option('--config <file>')
    .option('--zk-timeout-ms <ms>', '', parsePositive, DEFAULT_ZK_TIMEOUT_MS)
    .option('--verbose')
    .addCommand(new Command(group).addCommand(make(ctx)));
  const configure = (c: Command): void => {
    c.exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
    c.commands.forEach(configure);
  };
  configure(program);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return result(ctx.exitCode);
  } catch (e) {
    const code = exitCodeOf(e);
    io.stderr.write(`pinlater-ops: ${coerceError(e).message}\n`);
    if (ctx.json && e instanceof CliFailure) io.stdout.write(toJson({ error: { code: e.exitCode, message: e.message }, exitCode: code }));
    return result(code);
  } finally {
    await resources.closeAll(() => undefined);
  }
}
