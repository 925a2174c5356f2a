/**
 * The exit codes of `pinlater-ops local …` (the numbers of exit-codes.ts, with what they mean for
 * the processes of the local bring-up).
 */
import { EXIT_CODES, type ExitCodeName } from './exit-codes';

const MEANINGS: Readonly<Partial<Record<ExitCodeName, string>>> = {
  OK: 'OK (status: every process listed runs; start: started or already running; stop: stopped or not running)',
  ERROR: 'error: a process exited before listening, did not listen within --timeout-seconds, or could not be stopped; or the process table is invalid (its bad lines named)',
  PROBLEMS: 'problems: a process listed is not running, not listening, orphaned, or its port is taken (each named)',
  REFUSED: 'refused: not started (orphaned process group, port in use by another process, entry file missing); nothing started or signalled',
  USAGE: 'usage: bad command line, or a process name the table does not list (the names are listed)',
  INTERRUPTED: 'interrupted (SIGINT); a process already started keeps running',
  TERMINATED: 'terminated (SIGTERM); a process already started keeps running',
};

export function localExitCodesHelp(own: ReadonlyArray<'PROBLEMS' | 'REFUSED'>): string {
  const names: ExitCodeName[] = ['OK', 'ERROR', ...own, 'USAGE', 'INTERRUPTED', 'TERMINATED'];
  return ['Exit codes:', ...names.sort((a, b) => EXIT_CODES[a] - EXIT_CODES[b]).map((n) => `  ${String(EXIT_CODES[n]).padStart(3)}  ${MEANINGS[n] ?? n}`)].join('\n');
}
