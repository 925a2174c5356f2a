/**
 * Process groups of the local bring-up's processes. Each is started as the leader of its own
 * group (scripts/up.sh with `setsid`, `pinlater-ops local start` with a detached spawn, which
 * calls setsid), so the pid in its pid file is also the group id, and signalling the group
 * reaches its children too (the node process under the `tsx` wrapper).
 *
 * A pid is only ever signalled as a group (`-pid`), and only when that group exists: a stale pid
 * file whose pid now belongs to an unrelated process (not a group leader) is never signalled.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { procAlive, procGroupAlive } from './local-proc-fs';

const POLL_MS = 100;

/** Whether `pid` is alive (a process owned by another user counts; a zombie does not). */
export function pidAlive(pid: number): boolean {
  return probe(pid) && procAlive(pid) !== false;
}

/** Whether any process of the group `pgid` is alive (zombies do not count). */
export function groupAlive(pgid: number): boolean {
  return probe(-pgid) && procGroupAlive(pgid) !== false;
}

/** Sends `signal` to every process of the group; false when the group is gone already. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  requireGroupId(pgid);
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
}

/** Resolves true once no process of the group is left, false after `timeoutMs`. */
export async function waitGroupGone(pgid: number, timeoutMs: number, checkpoint: () => void = () => undefined): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!groupAlive(pgid)) return true;
    if (Date.now() >= deadline) return false;
    checkpoint();
    await sleep(Math.min(POLL_MS, Math.max(deadline - Date.now(), 1)));
  }
}

function probe(target: number): boolean {
  requireGroupId(Math.abs(target));
  try {
    process.kill(target, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** 0 and 1 as a group would mean "my group" and "every process": never a process of the table. */
function requireGroupId(pid: number): void {
  if (!Number.isSafeInteger(pid) || pid <= 1) throw new RangeError(`not a process of the local bring-up: pid ${pid}`);
}
