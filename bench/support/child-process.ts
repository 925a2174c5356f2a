import { setTimeout as sleep } from 'node:timers/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';

/**
 * Starts a TS entry point with tsx as a child process (benchmarks run servers out of process).
 * `nodeArgs` go to node itself, before the entry (e.g. `--cpu-prof --cpu-prof-dir=<dir>`).
 * `cwd` (default: this process's) is the tree `entry` is resolved in, so a bench can run the same
 * entry from another checkout (e.g. a git worktree of a baseline commit). `env` (default: this
 * process's) is the child's environment, GATEWAY_LOG_LEVEL=warn added.
 */
export function startTsProcess(entry: string, args: string[], name: string, nodeArgs: readonly string[] = [], cwd?: string, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entry, ...args], {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...env, GATEWAY_LOG_LEVEL: 'warn' },
  });
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[${name}] ${d.toString()}`));
  return child;
}

/** Resolves once something listens on host:port, or rejects after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs = 20_000, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host, port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`nothing listening on ${host}:${port} after ${timeoutMs} ms`);
}

export async function stopProcess(child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}
