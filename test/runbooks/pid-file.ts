/**
 * The pid files of the local bring-up (.run/procs/<name>.pid, written by scripts/up.sh and
 * `pinlater-ops local start`): the pid each names, and whether that process is alive.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './repo-shell';

export const PROC_DIR = join(REPO_ROOT, '.run', 'procs');

/** The pid in the process's pid file, or undefined when there is none. */
export function pidOf(name: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(PROC_DIR, `${name}.pid`), 'utf8').trim());
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function pidFileAlive(name: string): boolean {
  const pid = pidOf(name);
  return pid !== undefined && processAlive(pid);
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
