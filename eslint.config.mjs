// The lint gate (scripts/test.sh stage "lint", before the slow stages): type-aware ESLint over the
// whole tree, tests, benchmarks and scripts included. It holds only rules that catch bugs tsc lets
// through, or keep one way of writing a thing; formatting is not linted.
//
//   npx eslint .            # what the gate runs
//   npx eslint --fix .      # applies the fixable ones (type imports)
//
// - no-floating-promises / no-misused-promises: a promise nobody awaits loses its rejection (an
//   unhandled rejection kills the process) and its completion (close() returns before the work is
//   done). A deliberate fire-and-forget goes through core/src/util/run-detached.ts, which names
//   why and logs the failure; `void` is not accepted as a reason.
// - consistent-type-imports: type-only imports are written `import type`, so isolatedModules
//   builds (ts-jest, tsx) never keep a runtime import for a type.
// - jest/no-focused-tests, jest/no-disabled-tests: a committed `.only` silently skips the rest of
//   the suite, a committed `.skip` silently skips one test.
// - no-control-regex: a control character in a regex is almost always a typo for an escape.
// - no-restricted-syntax (product code): a pause is `setTimeout` from node:timers/promises, not a
//   hand-made `new Promise((resolve) => setTimeout(resolve, ms))` (issue 9, one way to do each thing).
import tseslint from 'typescript-eslint';
import jest from 'eslint-plugin-jest';

export default tseslint.config(
  {
    ignores: ['node_modules/**', '**/generated/**', 'dist/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs'],
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { '@typescript-eslint': tseslint.plugin, jest },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      'jest/no-focused-tests': 'error',
      'jest/no-disabled-tests': 'error',
      'no-control-regex': 'error',
    },
  },
  {
    files: ['{core,gateway,legacy-adapter,pacer,migration,dashboards,scripts}/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: "NewExpression[callee.name='Promise'] CallExpression[callee.name='setTimeout'][arguments.0.type='Identifier']",
        message: "Sleep with `setTimeout` from 'node:timers/promises' (import { setTimeout as sleep }), not a hand-made promise.",
      }],
    },
  },
);
