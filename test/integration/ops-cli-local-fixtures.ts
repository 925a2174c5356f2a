/**
 * Fixtures of ops-cli-local.test.ts (`pinlater-ops local …`): a scratch directory holding a
 * process table and a run directory, the CLI run against them (`--processes-file`, `--run-dir`;
 * the processes run from the repository root, as in the bring-up), a tiny node server script for
 * the cases that need no real process, and what the test reads of the processes themselves: pid
 * files, the members of a process group (from /proc, Linux), and the clean-up that kills whatever
 * group a pid file still names.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../support/eventually';
import { runCli, type CliRun } from './ops-cli-runner';

/** What a started process needs of this one's environment: nothing of the test's configuration. */
export function baseEnv(): Record<string, string> {
  const { PATH, HOME, TMPDIR } = process.env;
  return { ...(PATH === undefined ? {} : { PATH }), ...(HOME === undefined ? {} : { HOME }), ...(TMPDIR === undefined ? {} : { TMPDIR }) };
}

/**
 * A node server for the table: `--port <p>` listens on 127.0.0.1 (unless `--no-listen`);
 * `--child` spawns a child in its process group; `--ignore-term` ignores SIGTERM (so does its
 * child); `--fail` writes a line to stderr and exits 3 at once. Everything it does is logged.
 */
const TINY_SERVER = `'use strict';
const net = require('node:net');
const { spawn } = require('node:child_process');
const args = process.argv.slice(2);
const has = (flag) => args.includes(flag);
const port = Number(args[args.indexOf('--port') + 1]);
if (has('--fail')) { console.error('tiny: failing on purpose'); process.exit(3); }
const ignore = has('--ignore-term');
process.on('SIGTERM', () => { if (ignore) console.log('tiny: SIGTERM ignored'); else { console.log('tiny: SIGTERM, exiting'); process.exit(0); } });
if (has('--child')) {
  const code = (ignore ? 'process.on("SIGTERM", () => {});' : '') + 'setInterval(() => {}, 1000);';
  const child = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
  console.log('tiny: child ' + child.pid);
}
console.log('tiny: pid ' + process.pid);
if (has('--no-listen')) setInterval(() => {}, 1000);
else net.createServer().listen(port, '127.0.0.1', () => console.log('tiny: listening on ' + port));
`;

export interface TableLine {
  readonly name: string;
  readonly port: number;
  readonly entry: string;
  readonly command: string;
  readonly hint?: string;
}

export class LocalScratch {
  readonly runDir: string;
  readonly tableFile: string;
  readonly tinyScript: string;

  private constructor(readonly dir: string) {
    this.runDir = join(dir, 'procs');
    this.tableFile = join(dir, 'local-processes.conf');
    this.tinyScript = join(dir, 'tiny.js');
  }

  static create(label: string): LocalScratch {
    const scratch = new LocalScratch(mkdtempSync(join(tmpdir(), `${label}-`)));
    mkdirSync(scratch.runDir);
    writeFileSync(scratch.tinyScript, TINY_SERVER);
    return scratch;
  }

  writeTable(lines: readonly TableLine[], extra = ''): void {
    const rows = lines.map((l) => `${l.name}|${l.port}|${l.entry}|${l.command}|${l.hint ?? `${l.name} (test)`}`);
    writeFileSync(this.tableFile, ['# scratch table of ops-cli-local.test.ts', '[processes]', ...rows, extra].join('\n'));
  }

  /** A table line running the tiny server with `flags`. */
  tiny(name: string, port: number, flags: readonly string[] = []): TableLine {
    return { name, port, entry: this.tinyScript, command: ['node', this.tinyScript, '--port', String(port), ...flags].join(' ') };
  }

  /** `pinlater-ops local <args> --processes-file <table> --run-dir <run dir>`, with only PATH/HOME/TMPDIR. */
  local(args: readonly string[], tableFile = this.tableFile): Promise<CliRun> {
    return runCli(['local', ...args, '--processes-file', tableFile, '--run-dir', this.runDir], baseEnv());
  }

  pidFile(name: string): string {
    return join(this.runDir, `${name}.pid`);
  }

  logFile(name: string): string {
    return join(this.runDir, `${name}.log`);
  }

  pid(name: string): number | undefined {
    const file = this.pidFile(name);
    return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : undefined;
  }

  log(name: string): string {
    return existsSync(this.logFile(name)) ? readFileSync(this.logFile(name), 'utf8') : '';
  }

  /** Kills (SIGKILL) the process, and its group, of every pid file still there, waits until they are gone, removes the directory. */
  async close(): Promise<void> {
    const pids = readdirSync(this.runDir).filter((f) => f.endsWith('.pid')).map((f) => Number(readFileSync(join(this.runDir, f), 'utf8').trim())).filter((p) => p > 1);
    for (const pid of pids) killGroup(pid);
    await eventually(() => expect(pids.filter((p) => alive(p) || groupMembers(p).length > 0)).toEqual([]), { timeoutMs: 10_000 });
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The pids whose process group is `pgid` (from /proc/<pid>/stat: state, ppid, pgrp follow the command name). Zombies are left out. */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') members.push(Number(entry));
  }
  return members;
}

/** Whether `pid` is a live (not zombie) process. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** SIGKILL to the group `pgid` and to the process `pgid` itself (should it not lead a group). */
export function killGroup(pgid: number): void {
  for (const target of [-pgid, pgid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

/** Fails with both output streams unless the run ended with `code`. */
export function expectExit(run: CliRun, code: number): void {
  if (run.code !== code) throw new Error(`expected exit ${code}, got ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
}
