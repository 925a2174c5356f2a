/**
 * `npx tsx scripts/mysql-accounts.ts [--config config/mysql-accounts.local.json] [--host 127.0.0.1]
 *  [--port 3306] [--admin-user root] [--admin-password '']` — creates (or brings back to their
 * configured state) the least-privilege MySQL accounts of every role: legacy MySQL gateway, Pacer
 * gateway, Pacer broker, Pacer schema migrator, migration copier. The statements and grants are
 * scripts/sql/mysql-accounts.sql; the reasons are in docs/security-mysql-accounts.md. Idempotent;
 * run by scripts/up.sh as the administrator, the only step of the bring-up that uses it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import mysql, { type Connection } from 'mysql2/promise';

export const ROLES = ['legacyGateway', 'pacerGateway', 'pacerBroker', 'pacerMigrator', 'copier'] as const;
export type Role = (typeof ROLES)[number];

export interface AccountsConfig {
  /** Host part of every account: where the processes connect from (`%` = anywhere). */
  host: string;
  /** The Pacer database the Pacer roles and the copier work on. */
  pacerDatabase: string;
  accounts: Record<Role, { user: string; password: string }>;
}

const TEMPLATE = join(__dirname, 'sql', 'mysql-accounts.sql');
const SLOT_PREFIX: Record<Role, string> = {
  legacyGateway: 'legacy_gateway',
  pacerGateway: 'pacer_gateway',
  pacerBroker: 'pacer_broker',
  pacerMigrator: 'pacer_migrator',
  copier: 'copier',
};

/** Validates the JSON of config/mysql-accounts.*.json; throws one error listing every problem. */
export function parseAccountsConfig(value: unknown): AccountsConfig {
  const problems: string[] = [];
  const o = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const text = (v: unknown, where: string): string => {
    if (typeof v !== 'string' || v === '') problems.push(`${where} must be a non-empty string`);
    return typeof v === 'string' ? v : '';
  };
  const accountsJson = (typeof o.accounts === 'object' && o.accounts !== null ? o.accounts : {}) as Record<string, unknown>;
  const accounts = {} as AccountsConfig['accounts'];
  for (const role of ROLES) {
    const a = (typeof accountsJson[role] === 'object' && accountsJson[role] !== null ? accountsJson[role] : {}) as Record<string, unknown>;
    accounts[role] = { user: text(a.user, `accounts.${role}.user`), password: text(a.password, `accounts.${role}.password`) };
  }
  const config = { host: text(o.host, 'host'), pacerDatabase: text(o.pacerDatabase, 'pacerDatabase'), accounts };
  if (problems.length > 0) throw new Error(`Invalid MySQL accounts config:\n  - ${problems.join('\n  - ')}`);
  return config;
}

/** The statements of scripts/sql/mysql-accounts.sql with every slot filled (values escaped). */
export function accountStatements(config: AccountsConfig): string[] {
  const slots: Record<string, string> = { pacer_db: grantPattern(config.pacerDatabase) };
  for (const role of ROLES) {
    const { user, password } = config.accounts[role];
    slots[SLOT_PREFIX[role]] = `${mysql.escape(user)}@${mysql.escape(config.host)}`;
    slots[`${SLOT_PREFIX[role]}_password`] = mysql.escape(password);
  }
  const text = readFileSync(TEMPLATE, 'utf8')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  return text
    .split(/;\s*\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => s.replace(/;$/, '').replace(/\{\{(\w+)\}\}/g, (_m, slot: string) => slotValue(slots, slot)));
}

/** Applies the account statements on an administrator connection. */
export async function applyAccounts(admin: Connection, config: AccountsConfig): Promise<void> {
  for (const statement of accountStatements(config)) await admin.query(statement);
}

/** A database name as a GRANT pattern: back-quoted, with `_` and `%` escaped (they are wildcards there). */
export function grantPattern(database: string): string {
  return `\`${database.replace(/`/g, '``').replace(/[_%]/g, (c) => `\\${c}`)}\``;
}

function slotValue(slots: Record<string, string>, slot: string): string {
  const value = slots[slot];
  if (value === undefined) throw new Error(`scripts/sql/mysql-accounts.sql: slot {{${slot}}} has no value`);
  return value;
}

async function main(): Promise<void> {
  const opts = new Command('mysql-accounts')
    .description('Create the least-privilege MySQL accounts of every role (scripts/sql/mysql-accounts.sql)')
    .option('--config <file>', 'accounts JSON', join(__dirname, '..', 'config', 'mysql-accounts.local.json'))
    .option('--host <host>', 'MySQL host', '127.0.0.1')
    .option('--port <port>', 'MySQL port', '3306')
    .option('--admin-user <user>', 'administrator account', 'root')
    .option('--admin-password <password>', 'administrator password', '')
    .parse(process.argv)
    .opts<{ config: string; host: string; port: string; adminUser: string; adminPassword: string }>();
  const config = parseAccountsConfig(JSON.parse(readFileSync(opts.config, 'utf8')) as unknown);
  const admin = await mysql.createConnection({ host: opts.host, port: Number(opts.port), user: opts.adminUser, password: opts.adminPassword });
  try {
    await applyAccounts(admin, config);
  } finally {
    await admin.end();
  }
  const users = ROLES.map((r) => config.accounts[r].user).join(', ');
  process.stdout.write(`mysql accounts ready on ${opts.host}:${opts.port} (@${config.host}): ${users}\n`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`mysql-accounts: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
