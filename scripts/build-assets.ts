/**
 * The runtime assets of the compiled build (scripts/build.ts): every file of the product folders
 * that is not TypeScript is either SHIPPED (the compiled code reads it at runtime from a path
 * relative to its own `__dirname`, so it is copied to the same relative path under the output
 * directory) or NOT SHIPPED (with the reason). A file in neither list fails the build, so a new
 * Lua script, SQL folder or generated module cannot be left out of a deployment unnoticed.
 */
import * as path from 'node:path';
import { listRepoFiles } from './repo-files';

/** Every folder is audited, generated code included (it is shipped); only dependencies are not. */
const DEPENDENCIES: ReadonlySet<string> = new Set(['node_modules']);

/** The folders compiled by tsconfig.build.json (scripts/ only for scripts/mysql-accounts.ts). */
export const PRODUCT_FOLDERS = ['core', 'gateway', 'legacy-adapter', 'pacer', 'migration', 'dashboards', 'scripts/sql'] as const;

export interface AssetRule {
  /** Repo-relative folder (`/`), only its direct files matched; `*`: any folder. */
  readonly dir: string;
  /** File name suffix. */
  readonly suffix: string;
  /** Who reads it (shipped) or why it stays out (not shipped). */
  readonly why: string;
}

export const SHIPPED: readonly AssetRule[] = [
  { dir: 'core/src/sql/sql', suffix: '.sql', why: "core/src/sql/statement-time-limit.ts: join(__dirname, 'sql')" },
  { dir: 'legacy-adapter/src/mysql/sql', suffix: '.sql', why: "legacy-adapter/src/mysql/sql-loader.ts: join(__dirname, 'sql')" },
  { dir: 'legacy-adapter/src/redis/lua', suffix: '.lua', why: "legacy-adapter/src/redis/lua-scripts.ts: join(__dirname, 'lua')" },
  { dir: 'pacer/src/datastore/sql', suffix: '.sql', why: "pacer/src/datastore/sql-loader.ts: join(__dirname, 'sql')" },
  { dir: 'pacer/migrations', suffix: '.sql', why: "pacer/src/datastore/migrator.ts: join(__dirname, '..', '..', 'migrations')" },
  { dir: 'scripts/sql', suffix: '.sql', why: "scripts/mysql-accounts.ts: join(__dirname, 'sql', 'mysql-accounts.sql')" },
  // thrift's generated JavaScript: tsc resolves the imports to the .d.ts beside it and emits nothing.
  { dir: 'pacer/src/generated', suffix: '.js', why: 'required by pacer/src/rpc/ (broker server and client)' },
  { dir: 'gateway/src/generated', suffix: '.js', why: "the PinLater Thrift client modules (the gateway's codec uses pinlater-idl.ts, compiled)" },
  { dir: 'gateway/src/dashboard/assets', suffix: '.js', why: "the built-in dashboard's page script, served by gateway/src/dashboard/dashboard-routes.ts: join(__dirname, 'assets')" },
  { dir: 'gateway/src/dashboard/assets', suffix: '.css', why: "the built-in dashboard's style, served by gateway/src/dashboard/dashboard-routes.ts: join(__dirname, 'assets')" },
];

export const NOT_SHIPPED: readonly AssetRule[] = [
  { dir: 'pacer/src/generated', suffix: '.d.ts', why: 'types of the generated JavaScript, used by tsc only' },
  { dir: 'gateway/src/generated', suffix: '.d.ts', why: 'types of the generated JavaScript, used by tsc only' },
  { dir: 'gateway/thrift', suffix: '.thrift', why: 'codegen input (scripts/codegen.sh)' },
  { dir: 'pacer/thrift', suffix: '.thrift', why: 'codegen input (pacer/scripts/codegen.sh)' },
  { dir: 'pacer/scripts', suffix: '.sh', why: 'codegen, a development tool' },
  { dir: 'pacer', suffix: 'schema-snapshot.sql', why: 'compared by the CI check pacer/src/schema-snapshot.ts, which is not built' },
  { dir: 'legacy-adapter/src/mysql', suffix: 'schema-snapshot.sql', why: 'compared by a spec, not read by the product' },
  { dir: '*', suffix: '.md', why: 'documentation' },
  { dir: 'dashboards/grafana', suffix: '.json', why: 'Grafana dashboards, loaded by Grafana (dashboards/provisioning), not by the product' },
  { dir: 'dashboards/provisioning/dashboards', suffix: '.yaml', why: 'Grafana dashboard provisioning' },
  { dir: 'dashboards/provisioning/datasources', suffix: '.yaml', why: 'Grafana datasource provisioning example' },
  { dir: 'dashboards/alerts', suffix: '.yml', why: 'Prometheus alerting rules and their promtool tests, loaded by Prometheus (scripts/up.sh)' },
];

export interface AssetAudit {
  /** Repo-relative paths of the files to copy, sorted. */
  readonly shipped: string[];
  /** Non-TypeScript files no rule names: the build fails on them. */
  readonly unclassified: string[];
  /** SHIPPED rules matching no file (a renamed folder): the build fails on them. */
  readonly emptyRules: AssetRule[];
}

/** Classifies every non-TypeScript file of the product folders under `root`. */
export function auditAssets(root: string): AssetAudit {
  const shipped: string[] = [];
  const unclassified: string[] = [];
  const used = new Set<AssetRule>();
  for (const file of PRODUCT_FOLDERS.flatMap((folder) => listRepoFiles(folder, () => true, { root, skipDirs: DEPENDENCIES }))) {
    if (file.endsWith('.ts') && !file.endsWith('.d.ts')) continue;
    const ship = SHIPPED.find((rule) => matches(rule, file));
    if (ship !== undefined) {
      used.add(ship);
      shipped.push(file);
    } else if (!NOT_SHIPPED.some((rule) => matches(rule, file))) {
      unclassified.push(file);
    }
  }
  return { shipped: shipped.sort(), unclassified: unclassified.sort(), emptyRules: SHIPPED.filter((rule) => !used.has(rule)) };
}

function matches(rule: AssetRule, file: string): boolean {
  return (rule.dir === '*' || path.posix.dirname(file) === rule.dir) && file.endsWith(rule.suffix);
}
