/**
 * A small mysql2/promise client for tests, as root on the MariaDB of test-env.ts. Close what you
 * open:
 *
 *   const db = await openMysql('some_db');   // ... await db.end();
 *   await withMysql((db) => db.query('SELECT 1'));
 */
import mysql, { type Connection, type Pool } from 'mysql2/promise';
import { testEnv } from './test-env';

export type TestMysqlConnection = Connection;

/** Connects as root (empty password); `database` becomes the default database when given. */
export function openMysql(database?: string): Promise<Connection> {
  return mysql.createConnection({
    ...testEnv().mysql,
    ...(database === undefined ? {} : { database }),
    connectTimeout: 5000,
    multipleStatements: false,
  });
}

export async function withMysql<T>(fn: (connection: Connection) => Promise<T>, database?: string): Promise<T> {
  const connection = await openMysql(database);
  try {
    return await fn(connection);
  } finally {
    await connection.end();
  }
}

/** Names of the databases that start with `prefix` (LIKE wildcards in the prefix are escaped). */
export async function listDatabases(prefix: string): Promise<string[]> {
  const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return withMysql(async (db) => {
    const [rows] = await db.query('SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?', [pattern]);
    return (rows as Array<{ name: string }>).map((row) => row.name).sort();
  });
}

/** A mysql2 pool's connection settings, under its promise wrapper (mysql2 3.x): what its connections are opened with (`trace`, …). */
export function poolConnectionConfig(pool: Pool): { trace?: boolean } {
  return (pool as unknown as { pool: { config: { connectionConfig: { trace?: boolean } } } }).pool.config.connectionConfig;
}
