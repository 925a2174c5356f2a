/**
 * The run directory of the local bring-up (.run/procs/ by default), as scripts/up.sh and
 * scripts/down.sh keep it: `<name>.pid` holds the pid of the process it started (also its process
 * group id: each runs in its own group), `<name>.log` its stdout and stderr, appended run after run.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a pid file says. `invalid`: it exists but holds no usable pid (0, 1 or not a number). */
export type PidFileContent = { readonly kind: 'none' } | { readonly kind: 'invalid'; readonly text: string } | { readonly kind: 'pid'; readonly pid: number };

/** At most this much of a log's end is read for its last lines. */
const TAIL_BYTES = 64 * 1024;

export class LocalRunDir {
  constructor(readonly dir: string) {}

  pidFile(name: string): string {
    return join(this.dir, `${name}.pid`);
  }

  logFile(name: string): string {
    return join(this.dir, `${name}.log`);
  }

  readPid(name: string): PidFileContent {
    const file = this.pidFile(name);
    if (!existsSync(file)) return { kind: 'none' };
    const text = readFileSync(file, 'utf8').trim();
    const pid = Number(text);
    // pid 0 and 1 are never ours, and as process groups they would mean "mine" and "everyone's".
    return /^\d+$/.test(text) && Number.isSafeInteger(pid) && pid > 1 ? { kind: 'pid', pid } : { kind: 'invalid', text: text.slice(0, 40) };
  }

  writePid(name: string, pid: number): void {
    writeFileSync(this.pidFile(name), `${pid}\n`);
  }

  removePid(name: string): void {
    rmSync(this.pidFile(name), { force: true });
  }

  /** The log opened for appending (the directory is created): the file descriptor a child writes to. */
  openLogForAppend(name: string): number {
    mkdirSync(this.dir, { recursive: true });
    return openSync(this.logFile(name), 'a');
  }

  /** The log's size now (0 when it does not exist): where the lines of a run about to start begin. */
  logSize(name: string): number {
    try {
      return statSync(this.logFile(name)).size;
    } catch {
      return 0;
    }
  }

  /** The last `lines` lines of the log written after byte `from` (at most its last 64 KiB). */
  logTail(name: string, lines: number, from = 0): string[] {
    let fd: number;
    try {
      fd = openSync(this.logFile(name), 'r');
    } catch {
      return [];
    }
    try {
      const size = fstatSync(fd).size;
      const start = Math.max(from, size - TAIL_BYTES, 0);
      const buffer = Buffer.alloc(Math.max(size - start, 0));
      const read = readSync(fd, buffer, 0, buffer.length, start);
      return buffer.subarray(0, read).toString('utf8').split('\n').filter((l) => l !== '').slice(-lines);
    } finally {
      closeSync(fd);
    }
  }
}
