import { createPool, type Pool, type PoolConnection, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import { withMysqlRetries } from '../../../core/src/sql/mysql-retry';
import { tracedSql } from '../../../core/src/telemetry/tracing';
import { toPinLaterError } from './mysql-errors';

export interface MysqlConnectionConfig {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  connectionLimit: number;
  /** Connect timeout, ms. */
  connectTimeoutMs: number;
}

export type Row = RowDataPacket;
export type Queryable = Pick<Pool, 'query'> | Pick<PoolConnection, 'query'>;

/**
 * A mysql2 pool for Pacer's database (autocommit; client-side formatting so `IN (?)` takes arrays).
 * `trace: false`: mysql2's promise API otherwise captures a stack trace on every query, to put the
 * caller's frames on a failed query's error (1.8-3.6 % of a broker's CPU at limit 10 in profiles).
 * Every statement goes through selectRows/execute here, which wrap a driver error in a PinLater
 * error created where the statement was awaited: that error's stack names the callers.
 */
export function createMysqlPool(config: MysqlConnectionConfig): Pool {
  return createPool({
    trace: false,
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: config.database,
    connectionLimit: config.connectionLimit,
    connectTimeout: config.connectTimeoutMs,
    waitForConnections: true,
    supportBigNumbers: true,
    bigNumberStrings: false,
    enableKeepAlive: true,
  });
}

/** Runs a query and returns its rows; MySQL errors become PinLater errors (mysql-errors.ts). */
export async function selectRows(db: Queryable, text: string, params: unknown[]): Promise<Row[]> {
  try {
    const [rows] = await tracedSql(text, () => db.query<Row[]>(text, params));
    return rows;
  } catch (e) {
    throw toPinLaterError(e);
  }
}

/** Runs a write and returns its header (affectedRows are matched rows: mysql2 sets FOUND_ROWS). */
export async function execute(db: Queryable, text: string, params: unknown[]): Promise<ResultSetHeader> {
  try {
    const [header] = await tracedSql(text, () => db.query<ResultSetHeader>(text, params));
    return header;
  } catch (e) {
    throw toPinLaterError(e);
  }
}

/**
 * `execute` of ONE autocommit statement on the pool, run again (core/src/sql/mysql-retry.ts) when
 * InnoDB rolled it back on a lock conflict (deadlock victim, lock wait timeout). The statement is
 * its own transaction, so InnoDB undid it whole and running it again is safe. Never for a
 * statement inside a transaction (a connection of `withTransaction`): a deadlock rolls back the
 * whole transaction, which must be retried instead (`withMysqlRetries(() => withTransaction(…))`).
 */
export function executeRetried(pool: Pool, text: string, params: unknown[]): Promise<ResultSetHeader> {
  return withMysqlRetries(() => execute(pool, text, params));
}

/** Runs `fn` in a transaction on one connection; rolls back on any error. */
export async function withTransaction<T>(pool: Pool, fn: (conn: PoolConnection) => Promise<T>): Promise<T> {
  let conn: PoolConnection;
  try {
    conn = await pool.getConnection();
  } catch (e) {
    throw toPinLaterError(e);
  }
  try {
    await conn.query('START TRANSACTION');
    const result = await fn(conn);
    await conn.query('COMMIT');
    return result;
  } catch (e) {
    await conn.query('ROLLBACK').catch(() => undefined);
    throw toPinLaterError(e);
  } finally {
    conn.release();
  }
}
