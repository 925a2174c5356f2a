/**
 * What every `pinlater-ops local …` command runs with: the root the processes run from (their
 * commands and entry files are relative to it), the process table, the run directory (pid files
 * and logs) and the environment the processes get (the CLI's own, read once by main.ts). The
 * options that choose them (`--root`, `--processes-file`, `--run-dir`) let a test use a scratch
 * table and run directory; an operator never needs them.
 */
import type { Command } from 'commander';
import { isAbsolute, relative, resolve } from 'node:path';
import { renderUntrusted } from '../../../core/src/util/render-untrusted';
import type { Environment } from './cli-config';
import type { CliContext } from './cli-context';
import { CliFailure } from './cli-failure';
import { loadProcessTable, type LocalProcessEntry, type LocalProcessTable } from './local-process-table';
import { LocalRunDir } from './local-run-dir';

/** The repository this CLI belongs to (migration/src/cli/ → the root). */
export const DEFAULT_LOCAL_ROOT = resolve(__dirname, '..', '..', '..');
export const DEFAULT_PROCESSES_FILE = 'config/local-processes.conf';
export const DEFAULT_RUN_DIR = '.run/procs';

export interface LocalOptions {
  readonly root?: string;
  readonly processesFile?: string;
  readonly runDir?: string;
  readonly json?: boolean;
}

export interface LocalSetup {
  readonly root: string;
  readonly table: LocalProcessTable;
  readonly runDir: LocalRunDir;
  /** The environment every started process gets: the CLI's own. */
  readonly env: Environment;
}

/** Adds the options every `local` subcommand takes. */
export function withLocalOptions(command: Command): Command {
  return command
    .option('--json', 'print one JSON document (stable keys) instead of text')
    .option('--root <dir>', 'the directory the processes run from; table paths are relative to it (default: this repository)')
    .option('--processes-file <file>', `the process table (default: <root>/${DEFAULT_PROCESSES_FILE})`)
    .option('--run-dir <dir>', `where the pid files and logs are (default: <root>/${DEFAULT_RUN_DIR})`);
}

export function openLocalSetup(ctx: CliContext, options: LocalOptions): LocalSetup {
  const root = resolve(options.root ?? DEFAULT_LOCAL_ROOT);
  const table = loadProcessTable(resolve(options.processesFile ?? resolve(root, DEFAULT_PROCESSES_FILE)));
  const runDir = new LocalRunDir(resolve(options.runDir ?? resolve(root, DEFAULT_RUN_DIR)));
  return { root, table, runDir, env: ctx.environment.variables };
}

/**
 * The table's entries named (in the order given, each once), or every entry when none is named.
 * An unknown name is a usage error listing the names there are; nothing is done then.
 */
export function selectProcesses(table: LocalProcessTable, names: readonly string[]): LocalProcessEntry[] {
  if (names.length === 0) return [...table.processes];
  const byName = new Map(table.processes.map((p) => [p.name, p]));
  const unknown = names.filter((n) => !byName.has(n));
  if (unknown.length > 0) {
    const shown = unknown.map((n) => `'${renderUntrusted(n, 64)}'`).join(', ');
    throw new CliFailure('USAGE', `unknown process ${shown}: ${table.file} lists ${table.processes.map((p) => p.name).join(', ')}`, { known: table.processes.map((p) => p.name) });
  }
  return [...new Set(names)].map((n) => byName.get(n) as LocalProcessEntry);
}

/** A path for people: relative to the root when inside it (`.run/procs/gateway.log`), else absolute. */
export function shownPath(setup: LocalSetup, path: string): string {
  const rel = relative(setup.root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
