import { BudgetExceededError } from '../../../core/src/errors/pinlater-error';
import { mysqlErrno } from './mysql-errors';
import { fillSlots, loadSql } from './sql-loader';

/**
 * Server-side time limits for the statements that run a client's body regex (count, scan and
 * delete with `bodyRegexToMatch`). PinLater runs them unbounded: a catastrophic pattern costs about
 * 120 ms per row on MariaDB's PCRE2 (its match limit ends each row's match, not the statement),
 * so one request can keep a database busy for minutes, long after the client's socket timeout gave
 * up (issue 8, finding 2). MariaDB ends any statement past `max_statement_time` (`SET STATEMENT …
 * FOR`); MySQL only ends SELECTs past a `MAX_EXECUTION_TIME` hint, so its deletes select their ids
 * first. Which server a pool talks to is read once per pool (`VERSION()`).
 */
export type ServerFlavour = 'mariadb' | 'mysql';

/** MariaDB's ER_STATEMENT_TIMEOUT and MySQL's ER_QUERY_TIMEOUT. */
const STATEMENT_TIMEOUT_ERRNOS: ReadonlySet<number> = new Set([1969, 3024]);

export function flavourOf(version: string): ServerFlavour {
  return /mariadb/i.test(version) ? 'mariadb' : 'mysql';
}

/** `sql` limited to `limitMs` on the server. On MySQL `sql` must be a SELECT. */
export function withTimeLimit(sql: string, flavour: ServerFlavour, limitMs: number): string {
  if (!Number.isInteger(limitMs) || limitMs < 1) throw new Error(`statement time limit must be a positive integer, got ${limitMs}`);
  if (flavour === 'mariadb') return fillSlots(loadSql('time-limit-mariadb'), { seconds: (limitMs / 1000).toFixed(3), statement: sql });
  const select = /^SELECT\s+/i.exec(sql);
  if (!select) throw new Error('MySQL limits the run time of SELECT statements only');
  return fillSlots(loadSql('time-limit-mysql'), { ms: String(limitMs), selectRest: sql.slice(select[0].length) });
}

export function isStatementTimeout(e: unknown): boolean {
  const errno = mysqlErrno(e);
  return errno !== undefined && STATEMENT_TIMEOUT_ERRNOS.has(errno);
}

/** What the client reads when its body regex ran out of time (travels as UNKNOWN). */
export function bodyRegexBudgetExceeded(limitMs: number, cause: unknown): BudgetExceededError {
  return new BudgetExceededError(
    `Body regex filter stopped: it ran longer than the ${limitMs} ms statement time limit ` +
      '(GATEWAY_BODY_REGEX_TIMEOUT_MS). Use a simpler pattern (no nested or repeated quantifiers ' +
      'such as (a+)+ or a*a*a*), or narrow the request: one priority, a smaller limit, fewer jobs in that state.',
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
