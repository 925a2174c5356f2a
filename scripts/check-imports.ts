/**
 * `npx tsx scripts/check-imports.ts` — fails (exit 1) on import cycles among the repo's .ts
 * files, on `export *`, on imports from gateway/ into another folder's internals, and on imports
 * of gateway internals from product folders (only `gateway/index.ts`; the rules are in
 * scripts/import-rules.ts). Run by scripts/test.sh before jest.
 *
 * Scanned: every .ts file under the top-level source folders, except .d.ts files, node_modules
 * and generated code (`generated/` folders).
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkImports } from './import-rules';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write('usage: npx tsx scripts/check-imports.ts\nFails (exit 1) on import cycles, `export *`, gateway/ imports of other folders\' internals, and other folders\' imports of gateway internals (rules: scripts/import-rules.ts).\n');
  process.exit(0);
}

const ROOT = path.resolve(__dirname, '..');
const SOURCE_FOLDERS = ['core', 'gateway', 'legacy-adapter', 'pacer', 'migration', 'dashboards', 'test', 'bench', 'scripts'];
const SKIPPED_DIRS = new Set(['node_modules', 'generated', '.run', 'dist', 'coverage']);

function listTsFiles(relativeDir: string): string[] {
  let entries;
  try {
    entries = readdirSync(path.join(ROOT, relativeDir), { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const entry of entries) {
    const rel = `${relativeDir}/${entry.name}`;
    if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) out.push(...listTsFiles(rel));
    else if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

function main(): number {
  const sources = new Map<string, string>();
  for (const folder of SOURCE_FOLDERS) {
    for (const file of listTsFiles(folder)) sources.set(file, readFileSync(path.join(ROOT, file), 'utf8'));
  }
  const result = checkImports(sources);
  if (result.violations.length === 0) {
    console.log(`check-imports: OK (${result.files} files, ${result.edges} relative imports)`);
    return 0;
  }
  console.error(`check-imports: ${result.violations.length} violation(s) in ${result.files} files:`);
  for (const violation of result.violations) console.error(`  ${violation}`);
  return 1;
}

process.exitCode = main();
