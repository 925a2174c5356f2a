/**
 * `pinlater-ops` as operators run it, for the ops-cli tests: `node bin/pinlater-ops.cjs <args>` in
 * a child process with exactly the given environment (nothing of the test process leaks in) and
 * stdin that is not a terminal.
 *
 *   const run = await runCli(['shadow', 'status', '--json'], { PINLATER_ROUTING_CONFIG: file });
 *   expect(run.code).toBe(0);
 *   const doc = jsonOf<{ queues: unknown[] }>(run);
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');
const BIN = join(REPO_ROOT, 'bin', 'pinlater-ops.cjs');
/** A command still running after this long is killed (its test then fails on the exit code). */
const KILL_AFTER_MS = 45_000;

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunningCli {
  readonly child: ChildProcess;
  /** What it printed so far. */
  output(): { stdout: string; stderr: string };
  readonly done: Promise<CliRun>;
}

export function startCli(args: readonly string[], env: Record<string, string> = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const killer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliRun>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
  return { child, output: () => ({ stdout, stderr }), done };
}

export function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return startCli(args, env).done;
}

/** stdout as the one JSON document `--json` prints; a clear failure (with both streams) otherwise. */
export function jsonOf<T>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`not one JSON document (exit ${run.code}):\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}
