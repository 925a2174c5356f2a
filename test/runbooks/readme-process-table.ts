/**
 * runbooks/README.md's table of the bring-up's processes ("Processes started by `bash
 * scripts/up.sh`": process, Thrift port, admin port, config, log, pid file), checked against the
 * process table up.sh really reads (config/local-processes.conf) and against the running bring-up:
 * the table an on-call engineer reads first must not send them to a wrong port or file.
 */
import { createConnection } from 'node:net';
import type { LocalProcessTable } from '../../migration/src/cli/local-process-table';
import { pidFileAlive } from './pid-file';

export interface ReadmeProcessRow {
  readonly name: string;
  /** Every port the row names (Thrift and admin columns). */
  readonly ports: readonly number[];
  readonly log: string;
  readonly pidFile: string;
}

const HEADING = '### Processes started by `bash scripts/up.sh`';
const PORT_CHECK_TIMEOUT_MS = 2000;

export function readmeProcessRows(readme: string): ReadmeProcessRow[] {
  const start = readme.indexOf(HEADING);
  if (start < 0) throw new Error(`runbooks/README.md has no "${HEADING}" section`);
  const section = readme.slice(start, readme.indexOf('\n#', start + HEADING.length) >>> 0);
  return section.split('\n').filter((l) => /^\| `[a-z0-9-]+`/.test(l)).map(rowOf);
}

function rowOf(line: string): ReadmeProcessRow {
  const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
  const [process = '', thrift = '', admin = '', , log = '', pidFile = ''] = cells;
  const portOf = (cell: string): number[] => (/^(\d{2,5})\b/.exec(cell) ? [Number(/^(\d+)/.exec(cell)?.[1])] : []);
  return {
    name: /^`([a-z0-9-]+)`/.exec(process)?.[1] ?? '',
    ports: [...portOf(thrift), ...portOf(admin)],
    log: log.replace(/`/g, ''),
    pidFile: pidFile.replace(/`/g, ''),
  };
}

/** Differences between the README's rows and the process table. */
export function tableProblems(rows: readonly ReadmeProcessRow[], table: LocalProcessTable): string[] {
  const problems: string[] = [];
  const names = new Set(rows.map((r) => r.name));
  for (const entry of table.processes) {
    const row = rows.find((r) => r.name === entry.name);
    if (row === undefined) {
      problems.push(`${entry.name} (config/local-processes.conf line ${entry.line}) has no row`);
      continue;
    }
    if (!row.ports.includes(entry.port)) problems.push(`${entry.name}: the table says ports ${row.ports.join(', ') || '(none)'}, it listens on ${entry.port}`);
    if (row.log !== `.run/procs/${entry.name}.log`) problems.push(`${entry.name}: log ${row.log}, expected .run/procs/${entry.name}.log`);
    if (row.pidFile !== `.run/procs/${entry.name}.pid`) problems.push(`${entry.name}: pid file ${row.pidFile}, expected .run/procs/${entry.name}.pid`);
    names.delete(entry.name);
  }
  for (const name of names) problems.push(`${name}: a row for a process config/local-processes.conf does not list`);
  return problems;
}

/** Rows whose process is not running (pid file) or whose ports do not listen. */
export async function runningProblems(rows: readonly ReadmeProcessRow[]): Promise<string[]> {
  const problems: string[] = [];
  for (const row of rows) {
    if (!pidFileAlive(row.name)) problems.push(`${row.name}: ${row.pidFile} names no live process`);
    for (const port of row.ports) if (!(await listening(port))) problems.push(`${row.name}: nothing listens on 127.0.0.1:${port}`);
  }
  return problems;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port, timeout: PORT_CHECK_TIMEOUT_MS });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}
