import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadProcessTable, parseProcessTable } from '../../migration/src/cli/local-process-table';
import { readmeProcessRows, tableProblems } from './readme-process-table';
import { REPO_ROOT } from './repo-shell';

const README = readFileSync(join(REPO_ROOT, 'runbooks', 'README.md'), 'utf8');

describe("runbooks/README.md's process table", () => {
  it('lists exactly the processes of config/local-processes.conf, with their port, log and pid file', () => {
    const table = loadProcessTable(join(REPO_ROOT, 'config', 'local-processes.conf'));
    expect(tableProblems(readmeProcessRows(README), table)).toEqual([]);
  });

  it('reports a moved port, a renamed process and a missing row', () => {
    const table = parseProcessTable([
      '[processes]',
      'gateway|9010|gateway/src/main.ts|npx tsx gateway/src/main.ts|x',
      'pacer-broker|9191|pacer/src/broker/main.ts|npx tsx pacer/src/broker/main.ts|x',
      'brand-new|9500|x.ts|npx tsx x.ts|x',
    ].join('\n'), 'test.conf');
    const rows = readmeProcessRows(README).filter((r) => ['gateway', 'pacer-broker', 'gateway-redis'].includes(r.name));
    expect(tableProblems(rows, table)).toEqual([
      'pacer-broker: the table says ports 9020, 9021, it listens on 9191',
      'brand-new (config/local-processes.conf line 4) has no row',
      'gateway-redis: a row for a process config/local-processes.conf does not list',
    ]);
  });
});
