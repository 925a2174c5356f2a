/**
 * `pinlater-ops` run in the test's own process, with the given argv, environment and captured
 * streams (stdin is not a terminal), for the ops-cli tests that check a command's logic: a spawned
 * CLI costs 3-7 s per call (ops-cli-runner.ts is for what only a real process shows: the bin, the
 * process exit, signals).
 *
 *   const run = await runOps(['jobs', 'stuck', 'my_queue', '--gateway', address, '--json']);
 *   expect(run.code).toBe(2);
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

function capturedIo(): { io: CliIo; result: (code: number) => CliRun } {
  const stdout = collector();
  const stderr = collector();
  return { io: { stdout: stdout.stream, stderr: stderr.stream, stdin: Readable.from([]) }, result: (code) => ({ code, stdout: stdout.text(), stderr: stderr.text() }) };
}

export async function runOps(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  const { io, result } = capturedIo();
  return result(await runPinlaterOps(args, io, env));
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
