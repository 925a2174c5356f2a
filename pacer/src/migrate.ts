/**
 * Applies pacer/migrations/NNNN_*.sql to a Pacer database (creating the database if absent).
 *
 *   npx tsx pacer/src/migrate.ts --database pacer [--host 127.0.0.1 --port 3306 --user root] [--password-file f]
 *   npx pinlater-ops pacer schema-migrate --database pacer …      (the same command)
 *
 * The password: `--password-file` (a file holding it; one trailing newline is ignored), or
 * `--password` (kept for compatibility: a password on the command line lands in shell history and
 * `ps`), at most one of the two; without either, the environment variable PACER_MIGRATOR_PASSWORD;
 * else empty. Exit codes: 0 applied or already up to date, 1 error.
 *
 * `schemaMigrateCommand` declares the command; `runSchemaMigrate` is what it does, so the operator
 * CLI (migration/src/cli/pacer-commands.ts) runs it as a subcommand.
 */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import mysql from 'mysql2/promise';
import { z } from 'zod';
import { envString } from '../../core/src/config/env-schema';
import { parseConfig } from '../../core/src/config/parse-config';
import { coerceError } from '../../core/src/errors/coerce-error';
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

/** The variable the migrator's password may come from (instead of a flag). */
export const MIGRATOR_PASSWORD_VARIABLE = 'PACER_MIGRATOR_PASSWORD';

/** The command's options as commander gives them. */
export interface SchemaMigrateOptions {
  readonly database: string;
  readonly host: string;
  readonly port: string;
  readonly user: string;
  readonly password?: string;
  readonly passwordFile?: string;
}

/** Where the command reads its environment and writes its output. */
export interface SchemaMigrateContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Prefix of the error line (`pacer-migrate`, `pinlater-ops pacer schema-migrate`). */
  readonly label: string;
}

const SCHEMA_MIGRATE_HELP = `
Password: --password-file <file> or --password (discouraged: shell history, ps), at most one;
without either, $${MIGRATOR_PASSWORD_VARIABLE}; else empty.

Exit codes:
  0  migrations applied, or the schema was already up to date
  1  error (MySQL unreachable, access denied, a migration failed or was edited after it ran)
Runbook: runbooks/pacer-schema-migrate.md`;

/** The command's declaration (no action): `pacer-migrate` standalone, `schema-migrate` under `pinlater-ops pacer`. */
export function schemaMigrateCommand(name: string): Command {
  const invocation = name === 'pacer-migrate' ? 'npx tsx pacer/src/migrate.ts' : 'pinlater-ops pacer schema-migrate';
  return new Command(name)
    .description('Apply Pacer schema migrations (pacer/migrations) in order, one transaction per file')
    .requiredOption('--database <name>', 'database to migrate (created if absent)')
    .option('--host <host>', 'MySQL host', '127.0.0.1')
    .option('--port <port>', 'MySQL port', '3306')
    .option('--user <user>', 'MySQL user', 'root')
    .addOption(new Option('--password-file <file>', 'file holding the MySQL password (one trailing newline ignored)').conflicts('password'))
    .option('--password <password>', `MySQL password (compatibility; prefer --password-file or $${MIGRATOR_PASSWORD_VARIABLE})`)
    .addHelpText('after', `${SCHEMA_MIGRATE_HELP}\n\nExample:\n  ${MIGRATOR_PASSWORD_VARIABLE}=… ${invocation} --database pacer_local --user pacer_migrator`);
}

/** Validates the options and the environment at once; throws one ConfigError naming every problem. */
export function loadMigrateTarget(options: SchemaMigrateOptions, env: Readonly<Record<string, string | undefined>>): MigrateTarget {
  const schema = z.object({
    database: z.string().min(1, 'is required'),
    host: z.string().min(1, 'is required'),
    port: z.string().regex(/^\d+$/, 'must be a port number').transform(Number).pipe(z.number().int().min(1).max(65535)),
    user: z.string().min(1, 'is required'),
    password: z.string().optional(),
    passwordFile: z.string().optional().transform((file, ctx) => (file === undefined ? undefined : readPasswordFile(file, ctx))),
    [MIGRATOR_PASSWORD_VARIABLE]: envString(''),
  });
  const v = parseConfig('pacer schema-migrate options', schema, { ...options, [MIGRATOR_PASSWORD_VARIABLE]: env[MIGRATOR_PASSWORD_VARIABLE] });
  const password = v.passwordFile ?? v.password ?? v[MIGRATOR_PASSWORD_VARIABLE];
  return { database: v.database, host: v.host, port: v.port, user: v.user, password };
}

function readPasswordFile(file: string, ctx: z.RefinementCtx): string {
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? coerceError(e).message}` });
    return z.NEVER;
  }
}

/** Migrates; resolves with the exit code (errors are printed, exit 1). */
export async function runSchemaMigrate(options: SchemaMigrateOptions, context: SchemaMigrateContext): Promise<number> {
  try {
    const applied = await migrateDatabase(loadMigrateTarget(options, context.env));
    context.stdout.write(applied.length === 0 ? 'pacer schema up to date\n' : `applied: ${applied.join(', ')}\n`);
    return 0;
  } catch (e) {
    context.stderr.write(`${context.label}: ${coerceError(e).message}\n`);
    return 1;
  }
}

if (require.main === module) {
  const command = schemaMigrateCommand('pacer-migrate').parse(process.argv);
  const context: SchemaMigrateContext = { env: process.env, stdout: process.stdout, stderr: process.stderr, label: 'pacer-migrate' };
  runSchemaMigrate(command.opts<SchemaMigrateOptions>(), context).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`pacer-migrate: ${coerceError(e).message}\n`);
      process.exit(1);
    },
  );
}
