import { join } from 'node:path';
import { BudgetExceededError } from '../errors/pinlater-error';
import { driverErrno } from './driver-errno';
import { createSqlLoader } from './sql-loader';

/**
 * Server-side time limits for the statements that run a client's body regex (count, scan and
 * delete with `bodyRegexToMatch`), for every MySQL store (legacy MySQL, Pacer). PinLater runs them
 * unbounded: a catastrophic pattern costs about 120 ms per row on MariaDB's PCRE2 (its match limit
 * ends each row's match, not the statement), so one request can keep a database busy for minutes,
 * long after the client's socket timeout gave up (issue 8, finding 2). MariaDB ends any statement
 * past `max_statement_time` (`SET STATEMENT … FOR`); MySQL only ends SELECTs past a
 * `MAX_EXECUTION_TIME` hint, so its deletes select their ids first. Which server a pool talks to
 * is read once per pool (`serverVersionSql()`, then `flavourOf`).
 */
export type ServerFlavour = 'mariadb' | 'mysql';

type CoreSqlName = 'server-version' | 'time-limit-mariadb' | 'time-limit-mysql';
const statements = createSqlLoader<CoreSqlName>(join(__dirname, 'sql'));

/** MariaDB's ER_STATEMENT_TIMEOUT and MySQL's ER_QUERY_TIMEOUT. */
const STATEMENT_TIMEOUT_ERRNOS: ReadonlySet<number> = new Set([1969, 3024]);

/** `SELECT VERSION() AS version`: its one value goes to `flavourOf`. */
export function serverVersionSql(): string {
  return statements.load('server-version');
}

export function flavourOf(version: string): ServerFlavour {
  return /mariadb/i.test(version) ? 'mariadb' : 'mysql';
}

/** `text` limited to `limitMs` on the server. On MySQL `text` must be a SELECT. */
export function withTimeLimit(text: string, flavour: ServerFlavour, limitMs: number): string {
  if (!Number.isInteger(limitMs) || limitMs < 1) throw new Error(`statement time limit must be a positive integer, got ${limitMs}`);
  if (flavour === 'mariadb') return statements.render('time-limit-mariadb', { seconds: (limitMs / 1000).toFixed(3), statement: text });
  const select = /^SELECT\s+/i.exec(text);
  if (!select) throw new Error('MySQL limits the run time of SELECT statements only');
  return statements.render('time-limit-mysql', { ms: String(limitMs), selectRest: text.slice(select[0].length) });
}

/** Whether the server ended a statement at its limit (the driver error, or the `cause` of ours). */
export function isStatementTimeout(e: unknown): boolean {
  const errno = driverErrno(e);
  return errno !== undefined && STATEMENT_TIMEOUT_ERRNOS.has(errno);
}

/** The limit of one body-regex statement and what to do when the server ends one. */
export interface TimeLimitBudget {
  readonly limitMs: number;
  /** Called once per statement the limit ended (each store's `…-body-regex-timeout` stat). */
  onExceeded(): void;
}

/**
 * Runs `work` (statements under `budget.limitMs`); a statement the server ended becomes the
 * client's BudgetExceededError, naming `setting`, the configuration knob of the limit.
 */
export async function withinTimeLimit<T>(budget: TimeLimitBudget, setting: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (!isStatementTimeout(e)) throw e;
    budget.onExceeded();
    throw bodyRegexBudgetExceeded(budget.limitMs, setting, e);
  }
}

/** What the client reads when its body regex ran out of time (travels as UNKNOWN). */
export function bodyRegexBudgetExceeded(limitMs: number, setting: string, cause: unknown): BudgetExceededError {
  return new BudgetExceededError(
    `Body regex filter stopped: it ran longer than the ${limitMs} ms statement time limit (${setting}). ` +
      'Use a simpler pattern (no nested or repeated quantifiers such as (a+)+ or a*a*a*), or narrow the ' +
      'request: one priority, a smaller limit, fewer jobs in that state.',
    { cause },
  );
}

/**
 * Client-side timeout for a time-limited statement: the server must get to answer first (with
 * its clear error), so it is at least the limit plus one second; 0 (no client timeout) stays 0.
 */
export function clientTimeoutFor(limitMs: number, socketTimeoutMs: number): number {
  return socketTimeoutMs === 0 ? 0 : Math.max(socketTimeoutMs, limitMs + 1000);
}
