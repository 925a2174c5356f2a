/**
 * dashboards/alerts/*.yml, the alerting rules of issue 13 (shadow mode) beside
 * config/prometheus/alerts.yml (prometheus-alert-rules.test.ts checks that one): promtool accepts
 * each file and its unit tests (`<name>.test.yml`) pass, every series an expression reads is in the
 * metric catalogue, every alert names a runbook page that exists, and scripts/up.sh loads each
 * file into the local Prometheus.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { METRICS, prometheusSeries } from '../../core/src/telemetry/telemetry-catalogue';
import { promqlSeriesNames, unknownSeries } from '../../dashboards/promql-series-names';

const ROOT = join(__dirname, '..', '..');
const DIR = join(ROOT, 'dashboards', 'alerts');
const RULE_FILES = readdirSync(DIR).filter((f) => f.endsWith('.yml') && !f.endsWith('.test.yml')).sort();
const run = promisify(execFile);

/** Every `expr:` of a rule file: one-line ones and `expr: |` blocks. */
function expressions(text: string): string[] {
  const exprs: string[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const m = /^(\s*)expr:\s*(.*)$/.exec(line);
    if (m === null) return;
    if (m[2] !== '|' && m[2] !== '>') {
      exprs.push(m[2] as string);
      return;
    }
    const indent = (m[1] as string).length;
    const block: string[] = [];
    for (const next of lines.slice(i + 1)) {
      if (next.trim() !== '' && next.search(/\S/) <= indent) break;
      block.push(next);
    }
    exprs.push(block.join('\n'));
  });
  return exprs;
}

it('finds the rule files, each with its unit tests', () => {
  expect(RULE_FILES).toContain('shadow.yml');
  expect(RULE_FILES.filter((f) => !existsSync(join(DIR, f.replace(/\.yml$/, '.test.yml'))))).toEqual([]);
});

describe.each(RULE_FILES)('%s', (file) => {
  const text = readFileSync(join(DIR, file), 'utf8');

  it('promtool accepts the rules and their unit tests pass', async () => {
    const check = await run('promtool', ['check', 'rules', file], { cwd: DIR });
    expect(check.stdout).toContain('SUCCESS');
    const tests = await run('promtool', ['test', 'rules', file.replace(/\.yml$/, '.test.yml')], { cwd: DIR });
    expect(tests.stdout).toContain('SUCCESS');
  }, 30_000);

  it('reads only series of the metric catalogue', () => {
    const known = new Set(Object.values(METRICS).flatMap(prometheusSeries));
    const exprs = expressions(text);
    expect(exprs.length).toBeGreaterThan(0);
    expect(exprs.flatMap((e) => promqlSeriesNames(e)).length).toBeGreaterThan(exprs.length - 1);
    expect(exprs.flatMap((e) => unknownSeries(e, known))).toEqual([]);
  });

  it('names an existing runbook page for every alert', () => {
    const alerts = [...text.matchAll(/^\s*- alert:\s*(\S+)$/gm)].map((m) => m[1]);
    const runbooks = [...text.matchAll(/^\s*runbook:\s*(\S+)$/gm)].map((m) => m[1] as string);
    expect(alerts.length).toBeGreaterThan(0);
    expect(runbooks).toHaveLength(alerts.length);
    expect(runbooks.filter((page) => !existsSync(join(ROOT, page)))).toEqual([]);
  });

  it('is loaded by the local Prometheus of scripts/up.sh', () => {
    expect(readFileSync(join(ROOT, 'scripts', 'up.sh'), 'utf8')).toContain(`\${ROOT}/dashboards/alerts/${file}`);
  });
});
