import mysql from 'mysql2/promise';
import { tracedSql } from '../../../core/src/telemetry/tracing';
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { Clock } from '../../../core/src/util/clock';
import { withAwaitedStack } from './awaited-stack';
import { classifyMysqlError, PoolWaitTimeoutError } from './mysql-errors';
import { formatSqlTimestamp, parseSqlTimestamp, sessionTimeZone, type ZoneOffsetSource } from './mysql-time';
import { loadSql } from './sql-loader';
import { flavourOf, serverVersionSql, type ServerFlavour } from '../../../core/src/sql/statement-time-limit';

/** Where one MySQL instance lives (PinLater's `master` block plus credentials). */
export interface MysqlEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** One pool's limits, from PinLater's properties (FACTS §5.1, §12). */
export interface SessionPoolSettings {
  /** BACKEND_CONNECTIONS_PER_SHARD / MONITOR_CONNECTIONS_PER_SHARD. */
  connectionLimit: number;
  /** BACKEND_SOCKET_TIMEOUT_SECONDS / MONITOR_SOCKET_TIMEOUT_SECONDS, per statement. */
  queryTimeoutMs: number;
  /** BACKEND_CONNECTION_MAX_WAIT_MILLIS: longest wait for a free connection. */
  acquireTimeoutMs: number;
  /** JDBC `connectTimeout=5000`. */
  connectTimeoutMs: number;
}

export type Row = RowDataPacket;

/**
 * A mysql2 pool with PinLater's connection behaviour: no default database (names are fully
 * qualified), autocommit, UTF-8, matched-row counts (CLIENT_FOUND_ROWS, mysql2's default), a bounded
 * wait for a connection, a per-statement timeout after which the connection is discarded (like a
 * JDBC socket timeout), and the session time zone convention of `mysql-time.ts`. No stack trace is
 * captured per query (`trace: false`); a failed statement's error is given its caller's frames
 * instead (awaited-stack.ts).
 */
export class SessionPool {
  private readonly pool: Pool;
  private readonly offsets = new WeakMap<object, number>();
  /** Read on the first session (`VERSION()`); one server per pool. */
  private flavour: ServerFlavour | undefined;
  private closed = false;

  constructor(
    endpoint: MysqlEndpoint,
    private readonly settings: SessionPoolSettings,
    private readonly clock: Clock,
    private readonly zoneOffset: ZoneOffsetSource,
  ) {
    this.pool = mysql.createPool({
      trace: false,
      host: endpoint.host,
      port: endpoint.port,
      user: endpoint.user,
      password: endpoint.password,
      connectionLimit: settings.connectionLimit,
      maxIdle: settings.connectionLimit,
      connectTimeout: settings.connectTimeoutMs,
      waitForConnections: true,
      queueLimit: 0,
      charset: 'UTF8MB4_GENERAL_CI',
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: false,
      enableKeepAlive: true,
      multipleStatements: false,
    });
  }

  /** Runs `fn` on one connection (PinLater holds one connection per backend call). */
  async withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T> {
    const conn = await this.acquire();
    let discard = false;
    try {
      const session = await this.prepareSession(conn);
      return await fn(session);
    } catch (e) {
      discard = classifyMysqlError(e) === 'overload';
      throw e;
    } finally {
      if (discard) conn.destroy();
      else conn.release();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end().catch(() => undefined);
  }

  private async acquire(): Promise<PoolConnection> {
    const pending = this.pool.getConnection();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new PoolWaitTimeoutError(this.settings.acquireTimeoutMs)), this.settings.acquireTimeoutMs);
    });
    try {
      return await Promise.race([pending, timeout]);
    } catch (e) {
      // A connection that arrives after we gave up goes straight back.
      pending.then((c) => c.release(), () => undefined);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private async prepareSession(conn: PoolConnection): Promise<SqlSession> {
    const offset = this.zoneOffset(this.clock.nowMs());
    this.flavour ??= await readFlavour(conn, this.settings.queryTimeoutMs);
    const session = new SqlSession(conn, offset, this.settings.queryTimeoutMs, this.flavour);
    if (this.offsets.get(conn.connection) !== offset) {
      await session.run(loadSql('set-session-time-zone'), [sessionTimeZone(offset)]);
      this.offsets.set(conn.connection, offset);
    }
    return session;
  }
}

async function readFlavour(conn: PoolConnection, timeoutMs: number): Promise<ServerFlavour> {
  const [rows] = await conn.query<Row[]>({ sql: serverVersionSql(), timeout: timeoutMs });
  return flavourOf(String(Object.values(rows[0] ?? {})[0] ?? ''));
}

/** Per-statement options; `timeoutMs` replaces the pool's client-side statement timeout. */
export interface StatementOptions {
  timeoutMs?: number;
}

/** One checked-out connection with its session time zone offset. */
export class SqlSession {
  constructor(
    private readonly conn: PoolConnection,
    readonly offsetMinutes: number,
    private readonly timeoutMs: number,
    /** MariaDB or MySQL: how a statement's run time is limited (core/src/sql/statement-time-limit.ts). */
    readonly flavour: ServerFlavour,
  ) {}

  /** A statement that returns rows. */
  async select(sql: string, values: unknown[] = [], options: StatementOptions = {}): Promise<Row[]> {
    try {
      const [rows] = await tracedSql(sql, () => this.conn.query<Row[]>({ sql, timeout: options.timeoutMs ?? this.timeoutMs }, values));
      return rows;
    } catch (e) {
      throw withAwaitedStack(e);
    }
  }

  /** A statement without rows; returns its header (matched rows, insert id). */
  async run(sql: string, values: unknown[] = [], options: StatementOptions = {}): Promise<ResultSetHeader> {
    try {
      const [header] = await tracedSql(sql, () => this.conn.query<ResultSetHeader>({ sql, timeout: options.timeoutMs ?? this.timeoutMs }, values));
      return header;
    } catch (e) {
      throw withAwaitedStack(e);
    }
  }

  /** A wall-clock literal of `ms` (whole seconds) in this session's time zone. */
  timestamp(ms: number): string {
    return formatSqlTimestamp(ms, this.offsetMinutes);
  }

  /** Epoch ms of a TIMESTAMP column value read on this session. */
  readTimestamp(value: unknown): number {
    if (typeof value !== 'string') throw new Error(`Unexpected TIMESTAMP value: ${String(value)}`);
    return parseSqlTimestamp(value, this.offsetMinutes);
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.conn.beginTransaction();
    try {
      const result = await fn();
      await this.conn.commit();
      return result;
    } catch (e) {
      await this.conn.rollback().catch(() => undefined);
      throw e;
    }
  }
}
