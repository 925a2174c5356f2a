/**
 * The table of the local bring-up's processes, config/local-processes.conf: the one list that
 * scripts/up.sh and scripts/down.sh (through scripts/local-processes.sh) and `pinlater-ops local …`
 * read. Its header comment describes the format; in short:
 *
 *   [processes]                               started by up.sh in this order
 *   name|port|entry file|command|hint
 *   [demo]                                    the demo workload, started last
 *   name|port|entry file|command|hint
 *   [metrics]                                 what Prometheus scrapes
 *   name|metrics port
 *
 * Lines starting with `#` (after optional blanks) and blank lines are ignored. The command is a
 * plain word list split on whitespace and run without a shell, so shell syntax (quotes, `$`,
 * globs, redirections) is rejected rather than passed on literally. Every problem is reported with
 * its line number, all at once (ConfigError).
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../../core/src/config/parse-config';

export type LocalProcessSection = 'processes' | 'demo';

export interface LocalProcessEntry {
  readonly name: string;
  /** The port it listens on (127.0.0.1) once ready. */
  readonly port: number;
  /** A file that must exist (relative to the repository root) for the process to be started. */
  readonly entry: string;
  /** The command as written in the table. */
  readonly command: string;
  /** The command split on whitespace: what is run (no shell). */
  readonly argv: readonly string[];
  readonly hint: string;
  readonly section: LocalProcessSection;
  /** 1-based line in the file. */
  readonly line: number;
}

export interface LocalMetricsPort {
  readonly name: string;
  readonly port: number;
  readonly line: number;
}

export interface LocalProcessTable {
  readonly file: string;
  /** [processes] then [demo], each in file order. */
  readonly processes: readonly LocalProcessEntry[];
  readonly metrics: readonly LocalMetricsPort[];
}

const SECTIONS = ['processes', 'demo', 'metrics'] as const;
type Section = (typeof SECTIONS)[number];

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const PORT = /^[1-9][0-9]{0,4}$/;
/** Shell syntax a word list cannot carry: it would reach the program literally, not as the shell meant it. */
const SHELL_SYNTAX = /["'`$\\*?[\]{}~;&<>()!]/;

export function loadProcessTable(file: string): LocalProcessTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`process table ${file}`, [`cannot read it: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`]);
  }
  return parseProcessTable(text, file);
}

/** Parses the whole file; throws one ConfigError listing every bad line (`line N: …`). */
export function parseProcessTable(text: string, file: string): LocalProcessTable {
  const problems: string[] = [];
  const processes: LocalProcessEntry[] = [];
  const metrics: LocalMetricsPort[] = [];
  let section: Section | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    const at = index + 1;
    if (/^\s*(#|$)/.test(line)) return;
    const header = /^\[(.*)\]$/.exec(line);
    if (header !== null) {
      section = SECTIONS.find((s) => s === header[1]);
      if (section === undefined) problems.push(`line ${at}: unknown section [${header[1] ?? ''}] (sections: ${SECTIONS.map((s) => `[${s}]`).join(', ')})`);
      return;
    }
    if (section === undefined) {
      problems.push(`line ${at}: an entry outside a section (start with [processes])`);
    } else if (section === 'metrics') {
      pushOrReport(metricsPortOf(line, at), metrics, problems);
    } else {
      pushOrReport(processOf(line, at, section), processes, problems);
    }
  });
  problems.push(...crossChecks(processes, metrics));
  if (processes.length === 0 && problems.length === 0) problems.push('no process: add lines under [processes]');
  if (problems.length > 0) throw new ConfigError(`process table ${file}`, problems.sort((a, b) => lineOf(a) - lineOf(b)));
  const order = (e: LocalProcessEntry): number => (e.section === 'processes' ? 0 : 1);
  return { file, processes: [...processes].sort((a, b) => order(a) - order(b) || a.line - b.line), metrics };
}

/** The line number a problem starts with (`line 12: …`). */
function lineOf(problem: string): number {
  return Number(/^line (\d+):/.exec(problem)?.[1] ?? 0);
}

function pushOrReport<T>(parsed: T | string, into: T[], problems: string[]): void {
  if (typeof parsed === 'string') problems.push(parsed);
  else into.push(parsed);
}

/** An entry of [processes] or [demo], or the problem (`line N: …`). */
function processOf(line: string, at: number, section: LocalProcessSection): LocalProcessEntry | string {
  const fields = line.split('|');
  if (fields.length !== 5) return `line ${at}: expected 5 fields name|port|entry|command|hint, found ${fields.length}`;
  const [name = '', portText = '', entry = '', command = '', hint = ''] = fields;
  const argv = command.split(/\s+/).filter((w) => w !== '');
  const problem = nameProblem(name) ?? portProblem(portText)
    ?? (entry === '' || /\s/.test(entry) ? `entry file '${entry}': expected one path` : undefined)
    ?? (argv.length === 0 ? 'empty command' : undefined)
    ?? (SHELL_SYNTAX.test(command) ? `command of ${name}: shell syntax (quotes, $, globs, redirections) cannot be used, the command runs without a shell` : undefined);
  if (problem !== undefined) return `line ${at}: ${problem}`;
  return { name, port: Number(portText), entry, command, argv, hint, section, line: at };
}

function metricsPortOf(line: string, at: number): LocalMetricsPort | string {
  const fields = line.split('|');
  if (fields.length !== 2) return `line ${at}: expected 2 fields name|metrics port, found ${fields.length}`;
  const [name = '', portText = ''] = fields;
  const problem = nameProblem(name) ?? portProblem(portText);
  return problem === undefined ? { name, port: Number(portText), line: at } : `line ${at}: ${problem}`;
}

function nameProblem(name: string): string | undefined {
  return NAME.test(name) ? undefined : `name '${name}': expected lowercase letters, digits and '-' (at most 63, first a letter or digit)`;
}

function portProblem(text: string): string | undefined {
  return PORT.test(text) && Number(text) <= 65_535 ? undefined : `port '${text}': expected 1-65535`;
}

/** Names and ports used twice, metrics of processes the table does not list. */
function crossChecks(processes: readonly LocalProcessEntry[], metrics: readonly LocalMetricsPort[]): string[] {
  const problems: string[] = [];
  const names = new Map<string, number>();
  const ports = new Map<number, string>();
  for (const p of processes) {
    const other = names.get(p.name);
    if (other !== undefined) problems.push(`line ${p.line}: process ${p.name} is listed already (line ${other})`);
    const owner = ports.get(p.port);
    if (owner !== undefined) problems.push(`line ${p.line}: port ${p.port} of ${p.name} is ${owner}'s already`);
    names.set(p.name, names.get(p.name) ?? p.line);
    ports.set(p.port, ports.get(p.port) ?? p.name);
  }
  const scraped = new Set<string>();
  for (const m of metrics) {
    if (!names.has(m.name)) problems.push(`line ${m.line}: metrics of ${m.name}, which is not a process of [processes] or [demo]`);
    if (scraped.has(m.name)) problems.push(`line ${m.line}: metrics of ${m.name} are listed already`);
    scraped.add(m.name);
  }
  return problems;
}
