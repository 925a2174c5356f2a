import { join } from 'node:path';
import { ConfigError } from '../../../core/src/config/parse-config';
import { loadProcessTable, parseProcessTable } from './local-process-table';

const REPO_ROOT = join(__dirname, '..', '..', '..');

function problemsOf(text: string): readonly string[] {
  try {
    parseProcessTable(text, 'test.conf');
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('parsed without a problem');
}

describe('parseProcessTable', () => {
  it('reads the sections in order, skipping comments and blank lines; [demo] entries come after [processes]', () => {
    const table = parseProcessTable([
      '# the table',
      '[demo]',
      'demo-a|9061|scripts/demo/main.ts|npx tsx scripts/demo/main.ts --rate 3|demo producer',
      '',
      '[processes]',
      '  # indented comment',
      'broker|9020|pacer/src/broker/main.ts|npx  tsx pacer/src/broker/main.ts\t--port 9020|the broker (admin :9021)\r',
      'gateway|9010|gateway/src/main.ts|env A=b node_modules/.bin/tsx gateway/src/main.ts|',
      '[metrics]',
      'broker|9021',
    ].join('\n'), 'test.conf');
    expect(table.processes.map((p) => [p.name, p.section, p.line])).toEqual([['broker', 'processes', 7], ['gateway', 'processes', 8], ['demo-a', 'demo', 3]]);
    expect(table.processes[0]).toMatchObject({
      port: 9020, entry: 'pacer/src/broker/main.ts', argv: ['npx', 'tsx', 'pacer/src/broker/main.ts', '--port', '9020'], hint: 'the broker (admin :9021)',
    });
    expect(table.processes[1]?.hint).toBe('');
    expect(table.metrics).toEqual([{ name: 'broker', port: 9021, line: 10 }]);
  });

  it('rejects every bad line at once, each with its line number, in line order', () => {
    expect(problemsOf([
      'orphan|1|a|b|c',
      '[processes]',
      'ok|9000|e.ts|node e.ts|fine',
      'Bad_Name|9001|e.ts|node e.ts|h',
      'p1|0|e.ts|node e.ts|h',
      'p2|70000|e.ts|node e.ts|h',
      'p3|9003|e.ts|node e.ts',
      'p4|9004|e.ts|node e.ts|h|extra',
      'p5|9005|e.ts|   |h',
      "p6|9006|e.ts|node e.ts --name 'x y'|h",
      'p7|9007|e.ts|node e.ts > out.log|h',
      'p8|9008|two words|node e.ts|h',
      'ok|9009|e.ts|node e.ts|again',
      'p9|9000|e.ts|node e.ts|same port',
      '[bogus]',
      '[metrics]',
      'ok|9100',
      'ok|9101',
      'ghost|9102',
      'p10|x',
    ].join('\n'))).toEqual([
      'line 1: an entry outside a section (start with [processes])',
      "line 4: name 'Bad_Name': expected lowercase letters, digits and '-' (at most 63, first a letter or digit)",
      "line 5: port '0': expected 1-65535",
      "line 6: port '70000': expected 1-65535",
      'line 7: expected 5 fields name|port|entry|command|hint, found 4',
      'line 8: expected 5 fields name|port|entry|command|hint, found 6',
      'line 9: empty command',
      'line 10: command of p6: shell syntax (quotes, $, globs, redirections) cannot be used, the command runs without a shell',
      'line 11: command of p7: shell syntax (quotes, $, globs, redirections) cannot be used, the command runs without a shell',
      "line 12: entry file 'two words': expected one path",
      'line 13: process ok is listed already (line 3)',
      "line 14: port 9000 of p9 is ok's already",
      'line 15: unknown section [bogus] (sections: [processes], [demo], [metrics])',
      'line 18: metrics of ok are listed already',
      'line 19: metrics of ghost, which is not a process of [processes] or [demo]',
      "line 20: port 'x': expected 1-65535",
    ]);
  });

  it('rejects a table without processes', () => {
    expect(problemsOf('# nothing\n[processes]\n')).toEqual(['no process: add lines under [processes]']);
  });

  it('names the file it cannot read', () => {
    expect(() => loadProcessTable('/nonexistent/local-processes.conf')).toThrow(/process table \/nonexistent\/local-processes.conf.*ENOENT/s);
  });
});

describe('config/local-processes.conf (the bring-up up.sh and pinlater-ops local run)', () => {
  it('parses, with up.sh\'s processes, the demo and a metrics port for each process that serves /metrics', () => {
    const table = loadProcessTable(join(REPO_ROOT, 'config', 'local-processes.conf'));
    expect(table.processes.map((p) => `${p.section}:${p.name}:${p.port}`)).toEqual([
      'processes:gateway-redis:9013', 'processes:gateway-mysql:9011', 'processes:pacer-controller:9030', 'processes:gateway-pacer:9012',
      'processes:pacer-broker:9020', 'processes:gateway:9010', 'processes:copier:9050', 'processes:prometheus:9090',
      'demo:demo-producer:9061', 'demo:worker-pools:9062',
    ]);
    expect(table.metrics.map((m) => m.name)).toEqual(['gateway-redis', 'gateway-mysql', 'pacer-controller', 'gateway-pacer', 'pacer-broker', 'gateway', 'copier', 'prometheus']);
  });
});
