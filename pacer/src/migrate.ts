/**
 * Applies pacer/migrations/NNNN_*.sql to a Pacer database (creating the database if absent).
 *
 *   npx tsx pacer/src/migrate.ts --database pacer [--host 127.0.0.1 --port 3306 --user root]
 */
import { Command } from 'commander';
import mysql from 'mysql2/promise';
import { createMysqlPool } from './datastore/mysql-pool';
import { migrate } from './datastore/migrator';
import { quoteIdentifier } from '../../core/src/sql/quote-identifier';

export interface MigrateTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** Creates the database if needed and applies pending migrations; returns the names applied. */
export async function migrateDatabase(t: MigrateTarget): Promise<string[]> {
  const admin = await mysql.createConnection({ host: t.host, port: t.port, user: t.user, password: t.password });
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(t.database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await admin.end();
  }
  const pool = createMysqlPool({ ...t, connectionLimit: 1, connectTimeoutMs: 5000 });
  try {
    return await migrate(pool);
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  const opts = new Command('pacer-migrate')
    .description('Apply Pacer schema migrations (pacer/migrations) in order, one transaction per file')
    .requiredOption('--database <name>', 'database to migrate (created if absent)')
    .option('--host <host>', 'MySQL host', '127.0.0.1')
    .option('--port <port>', 'MySQL port', '3306')
    .option('--user <user>', 'MySQL user', 'root')
    .option('--password <password>', 'MySQL password', '')
    .parse(process.argv)
    .opts<{ database: string; host: string; port: string; user: string; password: string }>();
  migrateDatabase({ ...opts, port: Number(opts.port) })
    .then((applied) => process.stdout.write(applied.length === 0 ? 'pacer schema up to date\n' : `applied: ${applied.join(', ')}\n`))
    .catch((e: unknown) => {
      process.stderr.write(`pacer-migrate: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    });
}
