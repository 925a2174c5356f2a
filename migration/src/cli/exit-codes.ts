/**
 * `pinlater-ops` exit codes, one table for every routing command (each command's `--help` lists
 * the ones it can return), and the mapping from what went wrong to its code. The `pacer …`
 * subcommands keep their own tables (pacer/src/cli/status.ts, pacer/src/migrate.ts), except
 * `pacer settings`, which uses this one (pacer-settings-command.ts). Which failure gives which
 * code: cli-failure.ts.
 */
export const EXIT_CODES = {
  OK: 0,
  /** Could not do the job: ZooKeeper or a system unreachable, invalid config or credential, routing table not set up. */
  ERROR: 1,
  /** status: problems found (a record gateways cannot use, an ambiguous queue, a gateway behind). */
  PROBLEMS: 2,
  /** A write was not confirmed (stdin not a terminal and no --yes, or not answered y): nothing written. */
  NOT_CONFIRMED: 3,
  /** Refused: a precondition does not hold (route: unknown destination, a queue on no system, a record it cannot route from; the migration commands: the record or the migration row is not in a state the command starts from). */
  REFUSED: 4,
  /** route refused: jobs remain on the side the queue leaves; finalize refused: the legacy side still holds jobs. */
  JOBS_REMAIN: 5,
  /** Someone changed the queue's record since it was read (compare-and-set failed): nothing written. */
  CONFLICT: 6,
  /** ZooKeeper refused the write (NO_AUTH): the credential is not the routing operator's; finalize --delete-legacy: not the admin password. */
  PERMISSION_DENIED: 7,
  /** migrate start refused: the queue is migrating already (a migration row copying or complete, or a migrating record). */
  MIGRATION_ACTIVE: 8,
  /** verify: checksums differ, jobs mismatch, or a finished migration left jobs on the side it left; finalize refused for the same. */
  MISMATCH: 9,
  /** The change was written but its clean-up could not finish yet (shadow stop, migrate start from shadow: gateways behind, shadow copies left); running the command again finishes it. */
  INCOMPLETE: 10,
  /** Bad command line (unknown option or command, missing argument). */
  USAGE: 64,
  /** Interrupted by SIGINT (128 + 2); a write in progress was finished first. */
  INTERRUPTED: 130,
  /** Terminated by SIGTERM (128 + 15); a write in progress was finished first. */
  TERMINATED: 143,
} as const;

export type ExitCodeName = keyof typeof EXIT_CODES;

const DESCRIPTIONS: Readonly<Record<ExitCodeName, string>> = {
  OK: 'OK',
  ERROR: 'error: ZooKeeper or a system unreachable, invalid config or credential, routing table not set up',
  PROBLEMS: 'problems found: a record gateways cannot use, an ambiguous queue, a gateway behind (all listed)',
  NOT_CONFIRMED: 'not confirmed (no terminal and no --yes, or not answered y): nothing written',
  REFUSED: 'refused: a precondition does not hold (named in the message; nothing written)',
  JOBS_REMAIN: 'refused: the queue still has pending, in-progress or failed jobs on the side it leaves',
  CONFLICT: 'conflict: the record changed since it was read (another operator or a gateway); nothing written',
  PERMISSION_DENIED: 'permission denied: ZooKeeper refused the write (not the routing operator credential), or not the admin password',
  MIGRATION_ACTIVE: 'refused: the queue is migrating already (pinlater-ops migrate status <queue>)',
  MISMATCH: 'mismatch: checksums or jobs differ, or the side a finished migration left still holds jobs',
  INCOMPLETE: 'incomplete: the record was written, its clean-up not finished (named in the message; run the command again to finish it)',
  USAGE: 'usage: bad command line',
  INTERRUPTED: 'interrupted (SIGINT); a write in progress was finished first',
  TERMINATED: 'terminated (SIGTERM); a write in progress was finished first',
};

/** The exit codes every command can return besides its own. */
const ALWAYS: readonly ExitCodeName[] = ['ERROR', 'USAGE', 'INTERRUPTED', 'TERMINATED'];

/**
 * The "Exit codes:" block of a command's help: OK, the command's own codes, then the common ones.
 * `meaning` says what a code means for this command where the table's general text does not
 * (e.g. PROBLEMS for `jobs stuck`: stuck jobs found).
 */
export function exitCodesHelp(own: readonly ExitCodeName[], meaning: Partial<Readonly<Record<ExitCodeName, string>>> = {}): string {
  const names = [...new Set<ExitCodeName>(['OK', ...own, ...ALWAYS])].sort((a, b) => EXIT_CODES[a] - EXIT_CODES[b]);
  return ['Exit codes:', ...names.map((n) => `  ${String(EXIT_CODES[n]).padStart(3)}  ${meaning[n] ?? DESCRIPTIONS[n]}`)].join('\n');
}
