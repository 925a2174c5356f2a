import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import type {
  MonitorSettings,
  ShardJob,
  ShardJobInfo,
  ShardMonitorResult,
  ShardPortableJob,
  ShardStore,
} from '../../../core/src/interfaces/shard-store';
import type { Stats } from '../../../core/src/interfaces/stats';
import type { Logger } from '../../../core/src/logging/logger';
import type { JobInfo, NewJob, PortableJob } from '../../../core/src/types/job';
import { JobState } from '../../../core/src/types/job-state';
import type { CheckpointItem } from '../../../core/src/types/requests';
import type { Clock } from '../../../core/src/util/clock';
import { withMysqlRetries } from '../../../core/src/sql/mysql-retry';
import { bodyRegexParameter } from './body-regex';
import { limitedDelete, limitedSelect, type BodyRegexBudget } from './body-regex-statements';
import { exportPage, importJobs } from './mysql-job-transfer';
import { discardStagedRows, finishTaken, listStagedRows, listTakenRows, publishStagedRows, restoreTaken, stageRows, takeRows } from './mysql-job-mover';
import { isServedState } from './mysql-move-states';
import { classifyMysqlError, isRetriableKind, mysqlErrno, toStoreError, type SingleJobOp } from './mysql-errors';
import { runShardMonitor } from './mysql-queue-monitor';
import { mysqlStatNames } from './mysql-stat-names';
import { scalar, toLookupInfo, toScanInfo, toShardJob } from './mysql-row-mapping';
import type { Row, SessionPool, SqlSession } from './mysql-session-pool';
import type { ShardHealthWindow } from './mysql-shard-health';
import { checkBodySize, checkClaimDescriptor } from './mysql-limits';
import { loadSql, renderSql } from './sql-loader';
import { databaseName, MAX_DB_NAME_LENGTH, queueNamesFromCatalog, quotedDatabase, quotedJobsTable } from './tables';

/** What all logical shards of one MySQL instance share (FACTS §5.1). */
export interface MysqlInstance {
  /** General pool: every operation but the monitor. */
  readonly general: SessionPool;
  /** Monitor pool. */
  readonly monitor: SessionPool;
  /** Updated live by a config reload. */
  dequeueOnly: boolean;
}

export interface MysqlShardStoreOptions {
  name: string;
  instance: MysqlInstance;
  health: ShardHealthWindow;
  numPriorityLevels: number;
  /** MYSQL_COUNT_LIMIT, per shard per priority. */
  countLimit: number;
  /** BACKEND_NUM_AUTO_RETRIES, used by the monitor's deadlock retries. */
  autoRetries: number;
  /** Time limit of count, scan and delete statements that run a body regex. */
  bodyRegex: Omit<BodyRegexBudget, 'onExceeded'>;
  clock: Clock;
  stats: Stats;
  logger: Logger;
}

const ER_DB_CREATE_EXISTS = 1007;
const ER_TOO_LONG_IDENT = 1059;
const ER_WRONG_DB_NAME = 1102;
const ER_NO_SUCH_TABLE = 1146;

/**
 * One logical shard (`<id>` or `<id>d<n>`) of PinLater's MySQL layout (FACTS §5): the statements
 * of `sql/*.sql` on the instance's pools, with PinLater's error mapping (`mysql-errors.ts`). The
 * pools belong to the instance and are closed by whoever built it (the shard registry).
 */
export class MysqlShardStore implements ShardStore {
  readonly name: string;
  private readonly options: MysqlShardStoreOptions;
  private readonly general: SessionPool;
  private readonly regexBudget: BodyRegexBudget;

  constructor(options: MysqlShardStoreOptions) {
    this.options = options;
    this.name = options.name;
    this.general = options.instance.general;
    this.regexBudget = { ...options.bodyRegex, onExceeded: () => options.stats.incr(mysqlStatNames.bodyRegexTimeout) };
  }

  get dequeueOnly(): boolean {
    return this.options.instance.dequeueOnly;
  }

  /** The MySQL dequeue window (FACTS §8); only dequeue consults it. */
  isHealthy(): boolean {
    return this.options.health.isHealthy();
  }

  get health(): ShardHealthWindow {
    return this.options.health;
  }

  async createQueue(queue: string): Promise<void> {
    await this.general
      .withSession(async (s) => {
        if (!(await this.createDatabase(s, queue))) return;
        for (let p = 1; p <= this.options.numPriorityLevels; p++) {
          await s.run(renderSql('create-jobs-table', { table: quotedJobsTable(this.name, queue, p) }));
        }
      })
      .catch((e: unknown) => {
        throw toStoreError(e);
      });
  }

  /** false when the database exists (PinLater then skips this shard, tables included). */
  private async createDatabase(s: SqlSession, queue: string): Promise<boolean> {
    const db = databaseName(this.name, queue);
    try {
      await s.run(renderSql('create-database', { db: quotedDatabase(this.name, queue) }));
      return true;
    } catch (e) {
      const errno = mysqlErrno(e);
      if (errno === ER_DB_CREATE_EXISTS) return false;
      if (errno === ER_TOO_LONG_IDENT || (errno === ER_WRONG_DB_NAME && db.length > MAX_DB_NAME_LENGTH)) {
        throw queueNameTooLong(db, e);
      }
      throw e;
    }
  }

  async deleteQueue(queue: string): Promise<void> {
    await this.general
      .withSession((s) => s.run(renderSql('drop-database', { db: quotedDatabase(this.name, queue) })))
      .catch((e: unknown) => {
        if (mysqlErrno(e) === ER_NO_SUCH_TABLE) return;
        throw toStoreError(e);
      });
  }

  async listQueues(): Promise<Set<string>> {
    const rows = await this.general.withSession((s) => s.select(loadSql('list-databases'))).catch((e: unknown) => {
      throw toStoreError(e);
    });
    const { queues, malformed } = queueNamesFromCatalog(rows.map((r) => String(Object.values(r)[0])), this.name);
    if (malformed.length > 0) this.reportMalformed(malformed);
    return queues;
  }

  async enqueue(queue: string, job: NewJob): Promise<number> {
    checkBodySize(job.body);
    const now = this.options.clock.nowMs();
    const table = quotedJobsTable(this.name, queue, job.priority);
    return this.op('enqueue', queue, async (s) => {
      const runAfter = job.runAfterMs !== undefined ? job.runAfterMs : now;
      const values = [JobState.PENDING, job.attemptsAllowed, job.attemptsAllowed, job.customStatus, s.timestamp(now), s.timestamp(runAfter), job.body];
      const header = await s.run(renderSql('enqueue', { table }), values);
      return Number(header.insertId);
    });
  }

  async dequeue(queue: string, priority: number, limit: number, claimDescriptor: string): Promise<ShardJob[]> {
    checkClaimDescriptor(claimDescriptor);
    const table = quotedJobsTable(this.name, queue, priority);
    return this.sampled(
      this.op('dequeue', queue, async (s) => {
        const claim = [claimDescriptor, JobState.IN_PROGRESS, JobState.PENDING, limit];
        const header = await s.run(renderSql('dequeue-claim', { table }), claim);
        if (header.affectedRows === 0) return [];
        const rows = await s.select(renderSql('dequeue-select-claimed', { table }), [claimDescriptor]);
        const jobs = rows.map((r) => toShardJob(r, s));
        this.recordDequeueDelays(queue, jobs);
        return jobs;
      }),
    );
  }

  /** PinLater's MySQL dequeue metrics (FACTS §3.6), on real (non-dry-run) claims only. */
  private recordDequeueDelays(queue: string, jobs: ShardJob[]): void {
    const now = this.options.clock.nowMs();
    const series = this.options.stats.queueSeries(queue);
    for (const job of jobs) {
      if (job.attemptsAllowed === job.attemptsRemaining) this.options.stats.metric(mysqlStatNames.firstDequeueDelay(series), now - job.createdAtMs);
      this.options.stats.metric(mysqlStatNames.dequeueDelay(series), now - job.updatedAtMs);
    }
  }

  async peek(queue: string, priority: number, limit: number): Promise<ShardJob[]> {
    const table = quotedJobsTable(this.name, queue, priority);
    return this.sampled(
      this.op('dequeue', queue, async (s) => {
        const rows = await s.select(renderSql('dequeue-peek', { table }), [JobState.PENDING, limit]);
        return rows.map((r) => toShardJob(r, s));
      }),
    );
  }

  async ackSucceeded(queue: string, priority: number, localId: number, appendCustomStatus: string): Promise<void> {
    const table = quotedJobsTable(this.name, queue, priority);
    await this.op('ack', queue, (s) => s.run(renderSql('ack-succeeded', { table }), [JobState.SUCCEEDED, appendCustomStatus, localId]));
  }

  async ackFailed(queue: string, priority: number, localId: number, appendCustomStatus: string, retryDelayMs: number): Promise<void> {
    const table = quotedJobsTable(this.name, queue, priority);
    await this.op('ack', queue, async (s) => {
      await s.run(renderSql('ack-failed-done', { table }), [JobState.FAILED, appendCustomStatus, localId, JobState.IN_PROGRESS]);
      const runAfter = s.timestamp(this.options.clock.nowMs() + retryDelayMs);
      await s.run(renderSql('ack-failed-retry', { table }), [JobState.PENDING, appendCustomStatus, runAfter, localId, JobState.IN_PROGRESS]);
    });
  }

  async checkpoint(queue: string, priority: number, localId: number, source: string, item: CheckpointItem): Promise<boolean> {
    const newBody = item.newBody === undefined ? undefined : Buffer.from(item.newBody, 'utf8');
    if (newBody) checkBodySize(newBody);
    const now = this.options.clock.nowMs();
    const table = quotedJobsTable(this.name, queue, priority);
    const header = await this.op('checkpoint', queue, (s) => {
      const { sql, values } = checkpointStatement(s, table, localId, source, item, newBody, now);
      return s.run(sql, values);
    });
    return header.affectedRows > 0;
  }

  async lookup(queue: string, priority: number, localId: number, includeBody: boolean): Promise<Omit<JobInfo, 'descriptor'> | null> {
    const table = quotedJobsTable(this.name, queue, priority);
    return this.read(async (s) => {
      const rows = await s.select(renderSql(includeBody ? 'lookup-with-body' : 'lookup', { table }), [localId]);
      const row = rows[0];
      // A row taken or staged for a move is in no state PinLater serves: absent (mysql-move-states.ts).
      return row && isServedState(row.state) ? toLookupInfo(row, s, includeBody) : null;
    });
  }

  async count(queue: string, priority: number, state: JobState, future: boolean, bodyRegex: string | undefined): Promise<number> {
    const { slot, values } = regexSlot(bodyRegex);
    const sql = renderSql(future ? 'count-future' : 'count-current', { table: quotedJobsTable(this.name, queue, priority), bodyRegex: slot });
    return this.read(async (s) => scalar(await this.selectFiltered(s, sql, [state, ...values, this.options.countLimit], values.length > 0)));
  }

  async scan(queue: string, priority: number, state: JobState, future: boolean, limit: number, bodyRegex: string | undefined): Promise<ShardJobInfo[]> {
    const { slot, values } = regexSlot(bodyRegex);
    const sql = renderSql(future ? 'scan-future' : 'scan-current', { table: quotedJobsTable(this.name, queue, priority), bodyRegex: slot });
    return this.read(async (s) => (await this.selectFiltered(s, sql, [state, ...values, limit], values.length > 0)).map((r) => toScanInfo(r, s, state)));
  }

  /** A count or scan; with a body regex it runs under the statement time limit. */
  private selectFiltered(s: SqlSession, sql: string, values: unknown[], hasRegex: boolean): Promise<Row[]> {
    return hasRegex ? limitedSelect(s, sql, values, this.regexBudget) : s.select(sql, values);
  }

  async retryFailed(queue: string, priority: number, limit: number, attemptsToAllow: number, runAfterMs: number): Promise<number> {
    const table = quotedJobsTable(this.name, queue, priority);
    return this.read(async (s) => {
      const values = [JobState.PENDING, attemptsToAllow, s.timestamp(runAfterMs), JobState.FAILED, limit];
      return (await s.run(renderSql('retry-failed', { table }), values)).affectedRows;
    });
  }

  async deleteJobs(queue: string, priority: number, state: JobState, limit: number, bodyRegex: string | undefined): Promise<number> {
    const table = quotedJobsTable(this.name, queue, priority);
    const regex = bodyRegexParameter(bodyRegex);
    if (regex !== undefined) return this.read((s) => limitedDelete(s, table, state, regex, limit, this.regexBudget));
    return this.read(async (s) => (await s.run(renderSql('delete-jobs', { table, bodyRegex: '' }), [state, limit])).affectedRows);
  }

  async runMonitor(priorities: number, settings: MonitorSettings): Promise<ShardMonitorResult> {
    const result = await runShardMonitor(
      {
        shard: this.name,
        pool: this.options.instance.monitor,
        deadlockRetries: this.options.autoRetries,
        onDeadlock: () => this.options.stats.incr(mysqlStatNames.deadlockMonitor),
        onMalformedDatabases: (names) => this.reportMalformed(names),
        onMissingTable: (table) => this.options.logger.warn({ table }, 'monitor: table missing, skipped'),
      },
      priorities,
      settings,
    );
    if (result.error !== undefined) {
      // PinLater logs and moves on; without this line a failing pass would be silent.
      this.options.stats.incr(mysqlStatNames.monitorErrors);
      this.options.logger.error({ shard: this.name, error: result.error }, 'mysql monitor pass failed; rest of the shard skipped');
    }
    return result;
  }

  exportJobs(queue: string, priority: number, state: JobState, cursor: string | undefined, limit: number): Promise<{ jobs: ShardPortableJob[]; nextCursor?: string }> {
    return this.read((s) => exportPage(s, quotedJobsTable(this.name, queue, priority), priority, state, cursor, limit));
  }

  importJobs(queue: string, jobs: PortableJob[]): Promise<number[]> {
    for (const job of jobs) checkBodySize(job.body);
    return this.general
      .withSession((s) => importJobs(s, (p) => quotedJobsTable(this.name, queue, p), jobs))
      .catch((e: unknown) => {
        throw toStoreError(e, queue);
      });
  }

  // ---- exactly-once moves (mysql-job-mover.ts, mysql-move-states.ts) ----------------------------

  takeForMove(queue: string, priority: number, state: JobState, limit: number): Promise<ShardPortableJob[]> {
    return this.move(queue, (s) => takeRows(s, quotedJobsTable(this.name, queue, priority), priority, state, limit), false);
  }

  listTaken(queue: string, priority: number, limit: number): Promise<ShardPortableJob[]> {
    return this.move(queue, (s) => listTakenRows(s, quotedJobsTable(this.name, queue, priority), priority, limit));
  }

  finishMove(queue: string, priority: number, localIds: readonly number[]): Promise<number> {
    return this.move(queue, (s) => finishTaken(s, quotedJobsTable(this.name, queue, priority), localIds));
  }

  restoreMove(queue: string, priority: number, localIds: readonly number[]): Promise<number> {
    return this.move(queue, (s) => restoreTaken(s, quotedJobsTable(this.name, queue, priority), localIds));
  }

  stageMoved(queue: string, priority: number, jobs: readonly PortableJob[]): Promise<ShardPortableJob[]> {
    for (const job of jobs) checkBodySize(job.body);
    return this.move(queue, (s) => stageRows(s, quotedJobsTable(this.name, queue, priority), priority, jobs));
  }

  listStaged(queue: string, priority: number, limit: number): Promise<Array<{ localId: number; sourceDescriptor: string }>> {
    return this.move(queue, (s) => listStagedRows(s, quotedJobsTable(this.name, queue, priority), limit));
  }

  publishStaged(queue: string, priority: number, items: ReadonlyArray<{ localId: number; claimDescriptor?: string }>): Promise<number> {
    return this.move(queue, (s) => publishStagedRows(s, quotedJobsTable(this.name, queue, priority), items));
  }

  discardStaged(queue: string, priority: number, localIds: readonly number[]): Promise<number> {
    return this.move(queue, (s) => discardStagedRows(s, quotedJobsTable(this.name, queue, priority), localIds));
  }

  /**
   * A move primitive: 1146 → QUEUE_NOT_FOUND, everything else UNKNOWN. `retried`: lock conflicts
   * are retried here (the primitive is one transaction or one statement, so a rolled back attempt
   * did nothing); a take retries each of its rounds itself.
   */
  private async move<T>(queue: string, fn: (s: SqlSession) => Promise<T>, retried = true): Promise<T> {
    try {
      return await this.general.withSession((s) => (retried ? withMysqlRetries(() => fn(s)) : fn(s)));
    } catch (e) {
      throw toStoreError(e, queue);
    }
  }

  isRetriable(error: unknown): boolean {
    return isRetriableKind(classifyMysqlError(error));
  }

  /** The pools belong to the instance (closed by the registry); nothing to release per shard. */
  async close(): Promise<void> {}

  /** A single-job operation: 1146 → QUEUE_NOT_FOUND, `mysql-<kind>-<op>` stats. */
  private async op<T>(op: SingleJobOp, queue: string, fn: (s: SqlSession) => Promise<T>): Promise<T> {
    try {
      return await this.general.withSession(fn);
    } catch (e) {
      this.countFailure(op, e);
      throw toStoreError(e, queue);
    }
  }

  /** Lookup/count/scan/retry/delete/export: every SQL failure is UNKNOWN (FACTS §11.15). */
  private async read<T>(fn: (s: SqlSession) => Promise<T>): Promise<T> {
    try {
      return await this.general.withSession(fn);
    } catch (e) {
      throw toStoreError(e);
    }
  }

  /** Records the dequeue health sample of one attempt (FACTS §8). */
  private async sampled<T>(work: Promise<T>): Promise<T> {
    try {
      const result = await work;
      this.options.health.record(true);
      return result;
    } catch (e) {
      this.options.health.record(false);
      throw e;
    }
  }

  private countFailure(op: SingleJobOp, e: unknown): void {
    const kind = classifyMysqlError(e);
    if (kind === 'overload') this.options.stats.incr(mysqlStatNames.overload(op));
    else if (kind === 'deadlock') this.options.stats.incr(mysqlStatNames.deadlock(op));
    else if (kind === 'queue-not-found') this.options.stats.incr(mysqlStatNames.queueNotFound(op));
  }

  private reportMalformed(names: string[]): void {
    this.options.logger.warn({ shard: this.name, databases: names }, 'ignoring plq databases without a second "_" token');
  }
}

function queueNameTooLong(db: string, cause: unknown): PinLaterError {
  return new PinLaterError(
    ErrorCode.QUEUE_NAME_TOO_LONG,
    `Queue name is too long by ${db.length - MAX_DB_NAME_LENGTH} characters. Attempted to create queue DB '${db}'` +
      ` but it's longer than maximum allowed ${MAX_DB_NAME_LENGTH} characters.`,
    { cause },
  );
}

function regexSlot(bodyRegex: string | undefined): { slot: string; values: string[] } {
  const regex = bodyRegexParameter(bodyRegex);
  return regex === undefined ? { slot: '', values: [] } : { slot: loadSql('body-regex-clause'), values: [regex] };
}

/** PinLater's dynamic checkpoint UPDATE: header, optional parts in PinLater's order, footer. */
export function checkpointStatement(
  s: SqlSession,
  table: string,
  localId: number,
  source: string,
  item: CheckpointItem,
  newBody: Buffer | undefined,
  nowMs: number,
): { sql: string; values: unknown[] } {
  const parts = [renderSql('checkpoint-header', { table })];
  const values: unknown[] = [item.moveToPending ? JobState.PENDING : JobState.IN_PROGRESS, s.timestamp(item.runAfterMs ?? nowMs)];
  if (newBody !== undefined) {
    parts.push(loadSql('checkpoint-set-body'));
    values.push(newBody);
  }
  if (item.numOfAttemptsAllowed !== undefined) {
    parts.push(loadSql('checkpoint-reset-attempts'));
    values.push(item.numOfAttemptsAllowed, item.numOfAttemptsAllowed);
  }
  if (item.prependCustomStatus !== undefined) {
    parts.push(loadSql('checkpoint-prepend-status'));
    values.push(item.prependCustomStatus);
  }
  if (item.moveToPending) parts.push(loadSql('checkpoint-reset-claim'));
  parts.push(loadSql('checkpoint-footer'));
  values.push(localId, JobState.IN_PROGRESS, `%${source}%`);
  return { sql: parts.join(' '), values };
}
