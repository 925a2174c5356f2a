/**
 * The compiled build: what a deployment (a container image) runs. tsx is for development and tests.
 *
 *   npm run build                                  # = npx tsx scripts/build.ts: into dist/
 *   npx tsx scripts/build.ts --out-dir /tmp/app/dist   # elsewhere (the test builds into a temp dir)
 *   npx tsx scripts/build.ts --no-check            # skip the type check: same JavaScript, half the time
 *   node dist/gateway/src/main.js --properties … --backend-config …   # run it: plain node, no tsx
 *
 * Steps (any failure exits non-zero and leaves no half-built output):
 *   1. audit the runtime assets (scripts/build-assets.ts): every non-TypeScript file of the product
 *      folders must be classified shipped or not shipped, before the slow step
 *   2. remove the output directory (default dist/, git-ignored), then
 *      `tsc -p tsconfig.build.json --outDir <dir>` (type-checks too; noEmitOnError)
 *   3. copy the shipped assets to the same relative paths under the output directory, and check
 *      that every entry point was emitted
 *
 * Layout: the output mirrors the repository (rootDir is the repository root), so each entry point
 * keeps its path with .js: dist/gateway/src/main.js, dist/pacer/src/broker/main.js,
 * dist/pacer/src/controller/main.js, dist/pacer/src/cli/status.js, dist/pacer/src/migrate.js,
 * dist/scripts/mysql-accounts.js, the operator CLI's dist/migration/src/cli/main.js and the
 * migration copier's dist/migration/src/copier/main.js. Compiled:
 * the product folders (core, gateway, legacy-adapter, pacer, migration, dashboards) without specs,
 * and scripts/mysql-accounts.ts, the production tool that creates the MySQL accounts
 * (docs/security-mysql-accounts.md); not compiled: tests, benchmarks, the other scripts (repository
 * checks, codegen) and pacer/src/schema-snapshot.ts (a CI check of the committed snapshot).
 * Dependencies are not bundled: the compiled code requires them from a node_modules/ beside or
 * above the output directory (`npm ci --omit=dev` in an image).
 *
 * Copied, because the code reads them with `join(__dirname, …)` and tsc emits only JavaScript from
 * TypeScript: the Lua scripts, the SQL statement files of core, legacy MySQL and Pacer, Pacer's
 * migrations (pacer/migrations/), scripts/sql/mysql-accounts.sql, and thrift's generated
 * JavaScript (gateway/src/generated/, pacer/src/generated/), which tsc does not emit. The list and
 * the reasons are in scripts/build-assets.ts.
 * Timing: the tsc step is nearly all of it, about 17 s of CPU (15 s on an idle 2-core machine, up to
 * 40 s on a busy one), 10 s of CPU with --no-check; auditing and copying take 0.1 s.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { auditAssets, type AssetRule } from './build-assets';

const ROOT = path.resolve(__dirname, '..');
const DEFAULT_OUT_DIR = path.join(ROOT, 'dist');

/** Entry points (repo-relative, without extension); one whose .ts does not exist yet is skipped. */
export const ENTRY_POINTS = [
  'gateway/src/main',
  'pacer/src/broker/main',
  'pacer/src/controller/main',
  'pacer/src/cli/status',
  'pacer/src/migrate',
  'scripts/mysql-accounts',
  'migration/src/cli/main',
  'migration/src/copier/main',
  'pacer/src/worker-pools/pool-manager-main',
  'pacer/src/worker-pools/local-pool-runtime-main',
  'pacer/examples/noop-worker',
  'pacer/examples/demo-worker',
] as const;

/** The entry points that exist in the source tree, as paths of their compiled files under `outDir`. */
export function compiledEntryPoints(outDir: string): string[] {
  return ENTRY_POINTS.filter((entry) => existsSync(path.join(ROOT, `${entry}.ts`))).map((entry) => path.join(outDir, `${entry}.js`));
}

export interface BuildResult {
  outDir: string;
  assets: number;
  tscMs: number;
  totalMs: number;
}

export interface BuildOptions {
  /**
   * false: emit without type-checking (`tsc --noCheck`). The JavaScript is the same (the tsconfig
   * has isolatedModules, so every file is emitted on its own) in half the time; for a build whose
   * types were checked already (the typecheck stage, a test of the output). Default true.
   */
  typeCheck?: boolean;
}

export function build(outDirArg: string, options: BuildOptions = {}): BuildResult {
  const started = Date.now();
  const outDir = checkedOutDir(outDirArg);
  const audit = auditAssets(ROOT);
  if (audit.unclassified.length > 0 || audit.emptyRules.length > 0) throw new Error(auditProblems(audit.unclassified, audit.emptyRules));
  rmSync(outDir, { recursive: true, force: true });
  try {
    const tscStarted = Date.now();
    runTsc(outDir, options.typeCheck ?? true);
    const tscMs = Date.now() - tscStarted;
    copyAssets(audit.shipped, outDir);
    const missing = compiledEntryPoints(outDir).filter((file) => !existsSync(file));
    if (missing.length > 0) throw new Error(`entry points not emitted: ${missing.join(', ')}`);
    return { outDir, assets: audit.shipped.length, tscMs, totalMs: Date.now() - started };
  } catch (e) {
    rmSync(outDir, { recursive: true, force: true });
    throw e;
  }
}

function copyAssets(files: readonly string[], outDir: string): void {
  for (const file of files) {
    const target = path.join(outDir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(path.join(ROOT, file), target);
  }
}

/** Top-level entries of a build's output (the folders tsconfig.build.json compiles). */
const OUTPUT_TOP_LEVEL: ReadonlySet<string> = new Set(['core', 'gateway', 'legacy-adapter', 'pacer', 'migration', 'dashboards', 'scripts']);

/**
 * The absolute output directory. It is removed first, so it must not hold the repository, may be
 * inside it only as dist/ or dist-<name>/, and, when it exists, must hold nothing but an earlier
 * build (so `--out-dir /tmp` cannot empty /tmp).
 */
function checkedOutDir(dir: string): string {
  const outDir = path.resolve(dir);
  const fromRoot = path.relative(ROOT, outDir).split(path.sep);
  if (fromRoot.every((segment) => segment === '..' || segment === '')) {
    throw new Error(`refusing output directory ${outDir}: it contains the repository`);
  }
  if (fromRoot[0] !== '..' && !(fromRoot.length === 1 && /^dist(-[\w.-]+)?$/.test(fromRoot[0] ?? ''))) {
    throw new Error(`refusing output directory ${outDir}: inside the repository only dist/ or dist-<name>/`);
  }
  const foreign = existsSync(outDir) ? readdirSync(outDir).filter((entry) => !OUTPUT_TOP_LEVEL.has(entry)) : [];
  if (foreign.length > 0) {
    throw new Error(`refusing output directory ${outDir}: it holds more than a build (${foreign.slice(0, 5).join(', ')}); remove it yourself or choose another`);
  }
  return outDir;
}

function runTsc(outDir: string, typeCheck: boolean): void {
  const tsc = require.resolve('typescript/bin/tsc');
  const args = [tsc, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', outDir, ...(typeCheck ? [] : ['--noCheck'])];
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) throw new Error(`tsc failed (exit ${result.status ?? result.signal})`);
}

function auditProblems(unclassified: string[], emptyRules: AssetRule[]): string {
  const lines = [
    ...unclassified.map((file) => `${file}: not classified; add it to SHIPPED (the code reads it at runtime) or NOT_SHIPPED in scripts/build-assets.ts`),
    ...emptyRules.map((rule) => `SHIPPED rule ${rule.dir}/*${rule.suffix} matches no file (renamed or moved?)`),
  ];
  return `runtime assets:\n  ${lines.join('\n  ')}`;
}

if (require.main === module) {
  const opts = new Command('build')
    .description('Compile the product code to CommonJS JavaScript (tsconfig.build.json) and copy its runtime assets beside it')
    .option('--out-dir <dir>', 'output directory, removed first', DEFAULT_OUT_DIR)
    .option('--no-check', 'emit without type-checking (same JavaScript, half the time; types checked elsewhere)')
    .parse(process.argv)
    .opts<{ outDir: string; check: boolean }>();
  try {
    const r = build(opts.outDir, { typeCheck: opts.check });
    const relative = path.relative(process.cwd(), r.outDir);
    const shown = relative.startsWith('..') ? r.outDir : relative;
    const tsc = `tsc ${opts.check ? '' : '--noCheck '}${(r.tscMs / 1000).toFixed(1)} s`;
    process.stdout.write(`build: ${shown}/ ready in ${(r.totalMs / 1000).toFixed(1)} s (${tsc}, ${r.assets} assets copied)\n`);
  } catch (e) {
    process.stderr.write(`build: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}
