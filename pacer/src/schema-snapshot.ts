/**
 * Pacer schema snapshot: migrates a fresh throwaway database and compares its dump with the
 * committed pacer/schema-snapshot.sql (`--check`, exit 1 on drift) or rewrites it (`--write`).
 *
 *   npx tsx pacer/src/schema-snapshot.ts --check [--host 127.0.0.1 --port 3306 --user root --password '']
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import mysql from 'mysql2/promise';
import { createMysqlPool } from './datastore/mysql-pool';
import { dumpSchema } from './datastore/schema-dump';
import { migrateDatabase } from './migrate';
import { quoteIdentifier } from '../../core/src/sql/quote-identifier';

export const SNAPSHOT_PATH = join(__dirname, '..', 'schema-snapshot.sql');

/** The dump of a freshly migrated database on host:port (root, empty password by default). */
export async function freshSchemaDump(host = '127.0.0.1', port = 3306, user = 'root', password = ''): Promise<string> {
  const database = `pacer_snapshot_${randomBytes(5).toString('hex')}`;
  await migrateDatabase({ host, port, user, password, database });
  const pool = createMysqlPool({ host, port, user, password, database, connectionLimit: 1, connectTimeoutMs: 5000 });
  try {
    return await dumpSchema(pool);
  } finally {
    await pool.end();
    const admin = await mysql.createConnection({ host, port, user, password });
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(database)}`);
    await admin.end();
  }
}

interface ServerOptions {
  host: string;
  port: string;
  user: string;
  password: string;
}

async function main(mode: string | undefined, server: ServerOptions): Promise<number> {
  const dump = await freshSchemaDump(server.host, Number(server.port), server.user, server.password);
  if (mode === '--write') {
    writeFileSync(SNAPSHOT_PATH, dump);
    process.stdout.write(`wrote ${SNAPSHOT_PATH}\n`);
    return 0;
  }
  if (mode !== '--check') {
    process.stderr.write('usage: schema-snapshot.ts --check | --write\n');
    return 2;
  }
  if (readFileSync(SNAPSHOT_PATH, 'utf8') === dump) {
    process.stdout.write('pacer schema snapshot is up to date\n');
    return 0;
  }
  process.stderr.write('pacer/schema-snapshot.sql differs from a freshly migrated database; run with --write and commit\n');
  return 1;
}

if (require.main === module) {
  const program = new Command('pacer-schema-snapshot')
    .description('Compare (--check) or rewrite (--write) pacer/schema-snapshot.sql against a freshly migrated database')
    .option('--check', 'exit 1 when the committed snapshot differs from a fresh migration')
    .option('--write', 'rewrite the committed snapshot')
    .option('--host <host>', 'MySQL host', '127.0.0.1')
    .option('--port <port>', 'MySQL port', '3306')
    .option('--user <user>', 'MySQL user', 'root')
    .option('--password <password>', 'MySQL password', '')
    .parse(process.argv);
  const opts = program.opts<ServerOptions & { check?: boolean; write?: boolean }>();
  main(opts.write ? '--write' : opts.check ? '--check' : undefined, opts).then((code) => process.exit(code), (e: unknown) => {
    process.stderr.write(`schema-snapshot: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
