import { checkImports, findCycles, buildEdges, parseFile, resolveSpecifier } from './import-rules';

function check(files: Record<string, string>): readonly string[] {
  return checkImports(new Map(Object.entries(files))).violations;
}

describe('parseFile', () => {
  it('finds imports, re-exports, require, dynamic import and export *', () => {
    const parsed = parseFile('a.ts', [
      "import { x } from './x';",
      "import type { Y } from './y';",
      "export { z } from './z';",
      "export * from './star';",
      "export * as ns from './ns';",
      "import fs = require('node:fs');",
      "const lazy = () => import('./lazy');",
      "const r = require('./req');",
    ].join('\n'));
    expect(parsed.imports.map((i) => i.specifier)).toEqual(['./x', './y', './z', './star', './ns', 'node:fs', './lazy', './req']);
    expect(parsed.exportStarLines).toEqual([4, 5]);
  });
});

describe('resolveSpecifier', () => {
  const known = new Set(['core/src/a.ts', 'core/src/dir/index.ts', 'pacer/index.ts']);
  it('resolves files, folders with index.ts and .js spellings; ignores packages', () => {
    expect(resolveSpecifier('core/src/b.ts', './a', known)).toBe('core/src/a.ts');
    expect(resolveSpecifier('core/src/b.ts', './a.js', known)).toBe('core/src/a.ts');
    expect(resolveSpecifier('core/src/b.ts', './dir', known)).toBe('core/src/dir/index.ts');
    expect(resolveSpecifier('gateway/src/m.ts', '../../pacer', known)).toBe('pacer/index.ts');
    expect(resolveSpecifier('core/src/b.ts', 'redis', known)).toBeUndefined();
    expect(resolveSpecifier('core/src/b.ts', './missing.json', known)).toBe('core/src/missing.json');
  });
});

describe('findCycles', () => {
  it('reports each cycle once with a concrete path, including self-imports', () => {
    const files = new Map([
      ['a.ts', parseFile('a.ts', "import './b';")],
      ['b.ts', parseFile('b.ts', "import './c';")],
      ['c.ts', parseFile('c.ts', "import './a';")],
      ['d.ts', parseFile('d.ts', "import './d'; import './a';")],
      ['e.ts', parseFile('e.ts', "import './a';")],
    ]);
    const cycles = findCycles(buildEdges(files), new Set(files.keys()));
    expect(cycles).toHaveLength(2);
    expect(cycles).toContainEqual(['a.ts', 'b.ts', 'c.ts', 'a.ts']);
    expect(cycles).toContainEqual(['d.ts', 'd.ts']);
  });
});

describe('checkImports', () => {
  it('accepts an acyclic tree that respects the gateway boundary', () => {
    expect(check({
      'core/src/types/job.ts': 'export interface Job { id: string }',
      'pacer/index.ts': "export { PacerBackend } from './src/pacer-backend';",
      'pacer/src/pacer-backend.ts': "import type { Job } from '../../core/src/types/job';\nexport class PacerBackend { j?: Job }",
      'legacy-adapter/index.ts': 'export const x = 1;',
      'gateway/src/main.ts': [
        "import { PacerBackend } from '../../pacer';",
        "import { x } from '../../legacy-adapter/index';",
        "import type { Job } from '../../core/src/types/job';",
        "import { helper } from './helper';",
        "import thrift from 'thrift';",
      ].join('\n'),
      'gateway/src/helper.ts': 'export const helper = 1;',
      'gateway/src/helper.spec.ts': "import { eventually } from '../../test/support/eventually';",
      'test/support/eventually.ts': 'export const eventually = 1;',
    })).toEqual([]);
  });

  it('rejects gateway imports of internals, test code outside test/support, and other folders', () => {
    const violations = check({
      'pacer/index.ts': 'export const a = 1;',
      'pacer/src/broker.ts': 'export const b = 1;',
      'dashboards/metrics.ts': 'export const m = 1;',
      'test/integration/support/fake.ts': 'export const f = 1;',
      'gateway/src/main.ts': "import { b } from '../../pacer/src/broker';\nimport { m } from '../../dashboards/metrics';",
      'gateway/src/main.spec.ts': "import { f } from '../../test/integration/support/fake';",
    });
    expect(violations).toHaveLength(3);
    expect(violations[0]).toMatch(/^gateway\/src\/main\.ts:1 imports '..\/..\/pacer\/src\/broker'/);
    expect(violations[1]).toMatch(/^gateway\/src\/main\.ts:2 .*dashboards\/metrics\.ts/);
    expect(violations[2]).toMatch(/^gateway\/src\/main\.spec\.ts:1 /);
  });

  it('does not restrict other folders', () => {
    expect(check({
      'pacer/src/a.ts': "import { l } from '../../legacy-adapter/src/redis/keys';",
      'legacy-adapter/src/redis/keys.ts': 'export const l = 1;',
    })).toEqual([]);
  });

  it('lets other folders import gateway only through gateway/index.ts; tests, benchmarks and scripts may reach in', () => {
    const violations = check({
      'gateway/index.ts': "export { loadRoutingConfig } from './src/routing-config';",
      'gateway/src/routing-config.ts': 'export const loadRoutingConfig = 1;',
      'migration/src/cli/main.ts': "import { loadRoutingConfig } from '../../../gateway';",
      'migration/src/cli/other.ts': "import { loadRoutingConfig } from '../../../gateway/src/routing-config';",
      'pacer/src/x.ts': "import { loadRoutingConfig } from '../../gateway/src/routing-config';",
      'test/integration/a.test.ts': "import { loadRoutingConfig } from '../../gateway/src/routing-config';",
      'bench/b.ts': "import { loadRoutingConfig } from '../gateway/src/routing-config';",
      'scripts/c.ts': "import { loadRoutingConfig } from '../gateway/src/routing-config';",
    });
    expect(violations).toEqual([
      "migration/src/cli/other.ts:1 imports '../../../gateway/src/routing-config' (gateway/src/routing-config.ts): outside gateway/, import gateway only through gateway/index.ts",
      "pacer/src/x.ts:1 imports '../../gateway/src/routing-config' (gateway/src/routing-config.ts): outside gateway/, import gateway only through gateway/index.ts",
    ]);
  });

  it('rejects export * and export * as', () => {
    expect(check({
      'core/index.ts': "export * from './a';\nexport * as b from './b';",
      'core/a.ts': 'export const a = 1;',
      'core/b.ts': 'export const b = 1;',
    })).toEqual([
      "core/index.ts:1 uses 'export *': re-export names explicitly",
      "core/index.ts:2 uses 'export *': re-export names explicitly",
    ]);
  });

  it('rejects cycles, type-only ones included', () => {
    expect(check({
      'core/a.ts': "import type { B } from './b';\nexport interface A { b: B }",
      'core/b.ts': "import type { A } from './a';\nexport interface B { a: A }",
    })).toEqual(['import cycle: core/a.ts -> core/b.ts -> core/a.ts']);
  });
});
