import type { Row, SqlSession } from './mysql-session-pool';
import { loadSql, renderSql } from './sql-loader';
import { withinTimeLimit, withTimeLimit, type TimeLimitBudget } from '../../../core/src/sql/statement-time-limit';

/**
 * The time budget of one statement that runs a client's body regex (core/src/sql/statement-time-limit.ts):
 * `limitMs` = GATEWAY_BODY_REGEX_TIMEOUT_MS, the server ends the statement past it; `onExceeded`
 * counts the `mysql-body-regex-timeout` stat.
 */
export interface BodyRegexBudget extends TimeLimitBudget {
  /** Client-side timeout of such a statement (longer, so the server's answer arrives first). */
  clientTimeoutMs: number;
}

/** The knob the client's error message names. */
const LIMIT_SETTING = 'GATEWAY_BODY_REGEX_TIMEOUT_MS';

/** A count or scan with a body regex, under the budget. */
export function limitedSelect(s: SqlSession, sql: string, values: unknown[], budget: BodyRegexBudget): Promise<Row[]> {
  return withinTimeLimit(budget, LIMIT_SETTING, () => s.select(withTimeLimit(sql, s.flavour, budget.limitMs), values, { timeoutMs: budget.clientTimeoutMs }));
}

/**
 * deleteJobs with a body regex, under the budget; resolves with the rows deleted. MariaDB limits
 * the DELETE itself (rolled back when ended). MySQL cannot limit a DELETE, so the ids are selected
 * under the limit and then deleted by id, still requiring the state and the regex.
 */
export function limitedDelete(s: SqlSession, table: string, state: number, regex: string, limit: number, budget: BodyRegexBudget): Promise<number> {
  return withinTimeLimit(budget, LIMIT_SETTING, async () => {
    const options = { timeoutMs: budget.clientTimeoutMs };
    if (s.flavour === 'mariadb') {
      const sql = withTimeLimit(renderSql('delete-jobs', { table, bodyRegex: loadSql('body-regex-clause') }), s.flavour, budget.limitMs);
      return (await s.run(sql, [state, regex, limit], options)).affectedRows;
    }
    const select = withTimeLimit(renderSql('delete-jobs-select-ids', { table }), s.flavour, budget.limitMs);
    const ids = (await s.select(select, [state, regex, limit], options)).map((r) => Number(r.local_id));
    if (ids.length === 0) return 0;
    return (await s.run(renderSql('delete-jobs-by-ids', { table }), [ids, state, regex], options)).affectedRows;
  });
}
