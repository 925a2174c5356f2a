import type { Pool } from 'mysql2/promise';
import {
  flavourOf, serverVersionSql, withinTimeLimit, withTimeLimit, type ServerFlavour, type TimeLimitBudget,
} from '../../../core/src/sql/statement-time-limit';
import { executeRetried, selectRows, type Row } from './mysql-pool';
import { JobState } from '../../../core/src/types/job-state';
import { leasedWanted, leaseRuleSql, queueLeases, storedStates } from './lease-read-rule';
import { deletePendingJobs } from './pending-deletes';

/**
 * Pacer's statements that run a client's body regex (getJobCount, scanJobs and deleteJobs with
 * `bodyRegexToMatch`) under the server-side time limit of core/src/sql/statement-time-limit.ts
 * (issue 8, finding 2). The server kind is read once per pool.
 */

/** The budget of one body-regex statement (the backend config's `bodyRegexTimeoutMs`). */
export type BodyRegexLimit = TimeLimitBudget;

/** Default of the backend config's `bodyRegexTimeoutMs` (PinLater has no limit). */
export const DEFAULT_BODY_REGEX_TIMEOUT_MS = 5000;

/** The knob the client's error message names. */
const LIMIT_SETTING = 'Pacer backend config bodyRegexTimeoutMs';

const flavours = new WeakMap<Pool, Promise<ServerFlavour>>();

/** The flavour of the server behind `pool`, read on first use (a failed read is retried later). */
export function serverFlavour(pool: Pool): Promise<ServerFlavour> {
  let known = flavours.get(pool);
  if (known === undefined) {
    known = selectRows(pool, serverVersionSql(), []).then((rows) => flavourOf(String(rows[0]?.version ?? '')));
    known.catch(() => flavours.delete(pool));
    flavours.set(pool, known);
  }
  return known;
}

/** A SELECT that runs a body regex, under the limit. */
export async function limitedSelect(pool: Pool, text: string, params: unknown[], limit: BodyRegexLimit): Promise<Row[]> {
  const flavour = await serverFlavour(pool);
  return withinTimeLimit(limit, LIMIT_SETTING, () => selectRows(pool, withTimeLimit(text, flavour, limit.limitMs), params));
}

/**
 * deleteJobs with a body regex, under the limit; resolves with the rows deleted (`max` = the
 * request's limit). PENDING deletes read their candidates under the limit, then lock, check the
 * claim leases and delete (pending-deletes.ts). Other states: MariaDB limits the DELETE itself
 * (rolled back when ended); MySQL selects the ids under the limit, then deletes them by id, still
 * requiring the state and the regex. States are read by the claim lease rule, as deleteJobs without
 * a regex reads them (lease-read-rule.ts).
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
  return withinTimeLimit(limit, LIMIT_SETTING, async () => {
    if (q.state === JobState.PENDING) {
      // Either flavour: the regex runs in the candidates' SELECT, under the limit (pending-deletes.ts).
      return deletePendingJobs(pool, { queue: q.queue, priority: q.priority, regex: q.regex, max: q.max }, (text) => withTimeLimit(text, flavour, limit.limitMs));
    }
    const states = storedStates(q.state);
    const leases = [...queueLeases(q.queue), leasedWanted(q.state)];
    if (flavour === 'mariadb') {
      const params = [q.queue, states, q.priority, q.regex, q.regex, ...leases, q.max];
      return (await executeRetried(pool, withTimeLimit(leaseRuleSql('delete-jobs'), flavour, limit.limitMs), params)).affectedRows;
    }
    const select = withTimeLimit(leaseRuleSql('delete-jobs-select-ids'), flavour, limit.limitMs);
    const ids = (await selectRows(pool, select, [q.queue, states, q.priority, q.regex, ...leases, q.max])).map((r) => Number(r.id));
    if (ids.length === 0) return 0;
    return (await executeRetried(pool, leaseRuleSql('delete-jobs-by-ids'), [ids, q.queue, states, q.priority, q.regex, ...leases])).affectedRows;
  });
}
