/**
 * `npx tsx scripts/check-imports.ts` — fails (exit 1) on import cycles among the repo's .ts
 * files, on `export *`, on imports from gateway/ into another folder's internals, and on imports
 * of gateway internals from product folders (only `gateway/index.ts`; the rules are in
 * scripts/import-rules.ts). Run by scripts/test.sh before jest.
 *
 * Scanned: every .ts file under the top-level source folders, except .d.ts files, node_modules
 * and generated code (`generated/` folders).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkImports } from './import-rules';
import { listRepoFiles, REPO_ROOT } from './repo-files';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write('usage: npx tsx scripts/check-imports.ts\nFails (exit 1) on import cycles, `export *`, gateway/ imports of other folders\' internals, and other folders\' imports of gateway internals (rules: scripts/import-rules.ts).\n');
  process.exit(0);
}

const SOURCE_FOLDERS = ['core', 'gateway', 'legacy-adapter', 'pacer', 'migration', 'dashboards', 'test', 'bench', 'scripts'];
const isSource = (name: string): boolean => name.endsWith('.ts') && !name.endsWith('.d.ts');

function main(): number {
  const sources = new Map<string, string>();
  for (const folder of SOURCE_FOLDERS) {
    for (const file of listRepoFiles(folder, isSource)) sources.set(file, readFileSync(path.join(REPO_ROOT, file), 'utf8'));
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
