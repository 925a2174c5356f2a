/**
 * Runs one runbook block the way an on-call engineer pastes it: `bash -euo pipefail -c <script>`
 * from the repository root, stdin not a terminal, in the environment of a fresh terminal
 * (operator-environment.ts), bounded in time. On timeout the block's whole process group is killed (SIGKILL).
 * Output (stdout and stderr interleaved, as a terminal shows them) is kept for the failure report,
 * the last MAX_OUTPUT_CHARS of it.
 */
import { spawn } from 'node:child_process';
import { operatorEnvironment } from './operator-environment';

export interface BlockRunResult {
  /** The exit code; null when killed by a signal (then `signal` is set). */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly output: string;
  readonly durationMs: number;
}

export interface BlockRunOptions {
  readonly cwd: string;
  readonly timeoutSeconds: number;
  /** Variables on top of the operator environment (operator-environment.ts). */
  readonly env?: Readonly<Record<string, string>>;
}

const MAX_OUTPUT_CHARS = 16_000;
/** After the shell exits, how long a background process may keep its output pipes open. */
const OUTPUT_DRAIN_MS = 500;

export function runBlock(script: string, options: BlockRunOptions): Promise<BlockRunResult> {
  const started = Date.now();
  const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: options.cwd, env: operatorEnvironment(options.env), stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  let output = '';
  const append = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-MAX_OUTPUT_CHARS);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  let timedOut = false;
  const killer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, options.timeoutSeconds * 1000);
  return new Promise((resolve, reject) => {
    child.once('error', (e) => {
      clearTimeout(killer);
      reject(e);
    });
    child.once('exit', (exitCode, signal) => {
      clearTimeout(killer);
      killGroup(child.pid); // what the block left running in its own process group (`cmd &`)
      // A process the block left running in the background (setsid, `&`) may hold the pipes.
      const drain = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, OUTPUT_DRAIN_MS);
      child.once('close', () => {
        clearTimeout(drain);
        resolve({ exitCode, signal, timedOut, output, durationMs: Date.now() - started });
      });
    });
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
