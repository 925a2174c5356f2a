import type { Pool } from 'mysql2/promise';
import { BudgetExceededError } from '../../../core/src/errors/pinlater-error';
import { execute, selectRows, type Row } from './mysql-pool';
import { sql, sqlWithSlots } from './sql-loader';

/**
 * Server-side time limits for Pacer's statements that run a client's body regex (getJobCount,
 * scanJobs and deleteJobs with `bodyRegexToMatch`). A catastrophic pattern costs about 120 ms per
 * row on MariaDB's PCRE2, with no bound on the statement (issue 8, finding 2). MariaDB ends any
 * statement past `max_statement_time` (`SET STATEMENT … FOR`); MySQL only ends SELECTs past a
 * `MAX_EXECUTION_TIME` hint, so a delete selects its ids under the hint first. The server kind is
 * read once per pool.
 */
export type ServerFlavour = 'mariadb' | 'mysql';

/** The budget of one body-regex statement (the backend config's `bodyRegexTimeoutMs`). */
export interface BodyRegexLimit {
  limitMs: number;
  /** Called once per statement the limit ended (the `pacer-body-regex-timeout` stat). */
  onExceeded(): void;
}

/** Default of the backend config's `bodyRegexTimeoutMs` (PinLater has no limit). */
export const DEFAULT_BODY_REGEX_TIMEOUT_MS = 5000;

/** MariaDB's ER_STATEMENT_TIMEOUT and MySQL's ER_QUERY_TIMEOUT. */
const STATEMENT_TIMEOUT_ERRNOS: ReadonlySet<number> = new Set([1969, 3024]);

const flavours = new WeakMap<Pool, Promise<ServerFlavour>>();

export function flavourOf(version: string): ServerFlavour {
  return /mariadb/i.test(version) ? 'mariadb' : 'mysql';
}

/** The flavour of the server behind `pool`, read on first use (a failed read is retried later). */
export function serverFlavour(pool: Pool): Promise<ServerFlavour> {
  let known = flavours.get(pool);
  if (known === undefined) {
    known = selectRows(pool, sql('server-version'), []).then((rows) => flavourOf(String(rows[0]?.version ?? '')));
    known.catch(() => flavours.delete(pool));
    flavours.set(pool, known);
  }
  return known;
}

/** `text` limited to `limitMs` on the server. On MySQL `text` must be a SELECT. */
export function withTimeLimit(text: string, flavour: ServerFlavour, limitMs: number): string {
  if (!Number.isInteger(limitMs) || limitMs < 1) throw new Error(`statement time limit must be a positive integer, got ${limitMs}`);
  if (flavour === 'mariadb') return sqlWithSlots('time-limit-mariadb', { seconds: (limitMs / 1000).toFixed(3), statement: text });
  const select = /^SELECT\s+/i.exec(text);
  if (!select) throw new Error('MySQL limits the run time of SELECT statements only');
  return sqlWithSlots('time-limit-mysql', { ms: String(limitMs), selectRest: text.slice(select[0].length) });
}

/** A SELECT that runs a body regex, under the limit. */
export async function limitedSelect(pool: Pool, text: string, params: unknown[], limit: BodyRegexLimit): Promise<Row[]> {
  const flavour = await serverFlavour(pool);
  return withinLimit(limit, () => selectRows(pool, withTimeLimit(text, flavour, limit.limitMs), params));
}

/**
 * deleteJobs with a body regex, under the limit; resolves with the rows deleted (`max` = the
 * request's limit). MariaDB limits the DELETE itself (rolled back when ended); MySQL selects the
 * ids under the limit, then deletes them by id, still requiring the state and the regex.
 */
export async function limitedDelete(pool: Pool, q: RegexDelete, limit: BodyRegexLimit): Promise<number> {
  return deleteUnderLimit(pool, await serverFlavour(pool), q, limit);
}

/** One deleteJobs call with a body regex (`max` = the request's limit). */
export interface RegexDelete {
  queue: string;
  state: number;
  priority: number;
  regex: string;
  max: number;
}

/** `limitedDelete` for a known server flavour. */
export function deleteUnderLimit(pool: Pool, flavour: ServerFlavour, q: RegexDelete, limit: BodyRegexLimit): Promise<number> {
  return withinLimit(limit, async () => {
    if (flavour === 'mariadb') {
      const params = [q.queue, q.state, q.priority, q.regex, q.regex, q.max];
      return (await execute(pool, withTimeLimit(sql('delete-jobs'), flavour, limit.limitMs), params)).affectedRows;
    }
    const select = withTimeLimit(sql('delete-jobs-select-ids'), flavour, limit.limitMs);
    const ids = (await selectRows(pool, select, [q.queue, q.state, q.priority, q.regex, q.max])).map((r) => Number(r.id));
    if (ids.length === 0) return 0;
    return (await execute(pool, sql('delete-jobs-by-ids'), [ids, q.queue, q.state, q.priority, q.regex])).affectedRows;
  });
}

async function withinLimit<T>(limit: BodyRegexLimit, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (!isStatementTimeout(e)) throw e;
    limit.onExceeded();
    throw new BudgetExceededError(
      `Body regex filter stopped: it ran longer than the ${limit.limitMs} ms statement time limit ` +
        '(Pacer backend config bodyRegexTimeoutMs). Use a simpler pattern (no nested or repeated quantifiers ' +
        'such as (a+)+ or a*a*a*), or narrow the request: one priority, a smaller limit, fewer jobs in that state.',
      { cause: e },
    );
  }
}

/** The driver error behind a PinLater error from mysql-pool.ts is its `cause`. */
function isStatementTimeout(e: unknown): boolean {
  const driver = e instanceof Error && e.cause !== undefined ? e.cause : e;
  const errno = (driver as { errno?: unknown } | null)?.errno;
  return typeof errno === 'number' && STATEMENT_TIMEOUT_ERRNOS.has(errno);
}
