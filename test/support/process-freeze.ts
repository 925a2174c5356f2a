/**
 * Freezing a server process for fault tests. `kill(pid, 'SIGSTOP')` returns before the process is
 * stopped: each thread stops when the kernel next delivers the signal to it, and under CPU load a
 * multi-threaded server (mariadbd) answered a query after the signal was sent (seen in CI). So a
 * freeze waits until /proc shows every thread of the process stopped ('T'), and only then do the
 * tests call the frozen server.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { eventually } from './eventually';

/** Run state of each thread of `pid` (the field after the command name in /proc/<pid>/task/<tid>/stat). */
function threadStates(pid: number): string[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  });
}

/** SIGSTOP, then resolves once every thread of the process is stopped (5 s bound). */
export async function freezeProcess(pid: number): Promise<void> {
  process.kill(pid, 'SIGSTOP');
  await eventually(() => expect(threadStates(pid).filter((s) => s !== 'T' && s !== 't')).toEqual([]), { timeoutMs: 5000, intervalMs: 5 });
}

/** SIGCONT: lets a frozen process run again. */
export function thawProcess(pid: number): void {
  process.kill(pid, 'SIGCONT');
}
