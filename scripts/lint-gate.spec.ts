import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

/**
 * The lint gate (eslint.config.mjs, run by scripts/test.sh) fails on what it exists to stop. Runs
 * the real `eslint` binary on probe files written into the tree (type-aware rules need files the
 * tsconfig includes); the probes are removed afterwards.
 */
const ROOT = join(__dirname, '..');
const run = promisify(execFile);

interface LintMessage { ruleId: string | null; line: number }

async function lint(files: Record<string, string>): Promise<Record<string, LintMessage[]>> {
  const dir = mkdtempSync(join(__dirname, 'lint-probe-'));
  try {
    const paths = Object.entries(files).map(([name, text]) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    });
    const out = await run(join(ROOT, 'node_modules', '.bin', 'eslint'), ['--format', 'json', ...paths], { cwd: ROOT }).then(
      (r) => r.stdout,
      (e: { stdout?: string }) => e.stdout ?? '',
    );
    const results = JSON.parse(out) as Array<{ filePath: string; messages: LintMessage[] }>;
    return Object.fromEntries(results.map((r) => [relative(dir, r.filePath), r.messages]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rules = (messages: LintMessage[] | undefined): Array<string | null> => (messages ?? []).map((m) => m.ruleId);

describe('lint gate', () => {
  let found: Record<string, LintMessage[]>;
  beforeAll(async () => {
    found = await lint({
      'floating.ts': 'async function work(): Promise<void> {}\nexport function start(): void {\n  void work();\n  work();\n}\n',
      'detached.ts': "import { runDetached } from '../../core/src/util/run-detached';\nimport { silentLogger } from '../../core/src/logging/logger';\nasync function work(): Promise<void> {}\nexport function start(): void {\n  runDetached('probe', work(), silentLogger());\n}\n",
      'type-import.ts': "import { Logger } from '../../core/src/logging/logger';\nexport const name = (l: Logger): string => String(l.level);\n",
      'focused.spec.ts': "describe('x', () => {\n  it.only('a', () => undefined);\n  it.skip('b', () => undefined);\n});\n",
    });
  }, 60_000);

  it('rejects a promise nobody awaits, `void` included', () => {
    expect(rules(found['floating.ts'])).toEqual(['@typescript-eslint/no-floating-promises', '@typescript-eslint/no-floating-promises']);
  });

  it('accepts runDetached, the one way to start work without awaiting it', () => {
    expect(rules(found['detached.ts'])).toEqual([]);
  });

  it('wants type-only imports written `import type`', () => {
    expect(rules(found['type-import.ts'])).toEqual(['@typescript-eslint/consistent-type-imports']);
  });

  it('rejects focused and skipped tests', () => {
    expect(rules(found['focused.spec.ts']).sort()).toEqual(['jest/no-disabled-tests', 'jest/no-focused-tests']);
  });
});
