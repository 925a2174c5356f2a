/**
 * Linux's /proc, where it exists, for what `kill(pid, 0)` cannot tell: whether a process is a
 * zombie (dead, waiting for its parent to reap it: `kill -0` still finds it, and a slow init can
 * take seconds), and which live processes a process group has. Elsewhere (no /proc) both answer
 * undefined and the callers rely on signals alone.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

interface ProcStat {
  /** R, S, D, Z, T, … (proc(5)). */
  readonly state: string;
  readonly pgrp: number;
}

const HAS_PROC = existsSync('/proc/self/stat');

/** Whether `pid` is a live, non-zombie process; undefined without /proc. */
export function procAlive(pid: number): boolean | undefined {
  if (!HAS_PROC) return undefined;
  const stat = readStat(String(pid));
  return stat !== undefined && stat.state !== 'Z';
}

/** Whether the group `pgid` has a live, non-zombie process; undefined without /proc. */
export function procGroupAlive(pgid: number): boolean | undefined {
  if (!HAS_PROC) return undefined;
  return readdirSync('/proc').some((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    const stat = readStat(entry);
    return stat !== undefined && stat.pgrp === pgid && stat.state !== 'Z';
  });
}

/** /proc/<pid>/stat: `pid (comm) state ppid pgrp …`; comm may hold spaces and parentheses, hence the last `)`. */
function readStat(pid: string): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // no such process (or gone meanwhile)
  }
  const [state = '', , pgrp = ''] = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state, pgrp: Number(pgrp) };
}
