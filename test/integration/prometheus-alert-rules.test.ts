/**
 * config/prometheus/alerts.yml, the alerting rules the local Prometheus loads (scripts/up.sh):
 * promtool accepts them, their unit tests (alerts.test.yml: each alert fires on the series it is
 * for, and a caller's mistake never pages) pass, every series an expression reads is in the metric
 * catalogue, and every alert names a runbook page that exists.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { METRICS, prometheusSeries } from '../../core/src/telemetry/telemetry-catalogue';

const ROOT = join(__dirname, '..', '..');
const DIR = join(ROOT, 'config', 'prometheus');
const RULES = readFileSync(join(DIR, 'alerts.yml'), 'utf8');
const run = promisify(execFile);

it('promtool accepts the rules and their unit tests pass', async () => {
  const check = await run('promtool', ['check', 'rules', 'alerts.yml'], { cwd: DIR });
  expect(check.stdout).toContain('SUCCESS');
  const tests = await run('promtool', ['test', 'rules', 'alerts.test.yml'], { cwd: DIR });
  expect(tests.stdout).toContain('SUCCESS');
}, 30_000);

it('reads only series of the metric catalogue', () => {
  const known = new Set(Object.values(METRICS).flatMap(prometheusSeries));
  const expressions = [...RULES.matchAll(/^\s*expr:\s*(.+)$/gm)].map((m) => m[1] as string);
  expect(expressions.length).toBeGreaterThan(0);
  // Series names only: label matchers and grouping clauses name labels, not series.
  const withoutLabels = expressions.map((e) => e.replace(/\{[^}]*\}/g, ' ').replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '));
  const used = new Set(withoutLabels.flatMap((e) => [...e.matchAll(/\b((?:pinlater|pacer|rpc)_[a-z0-9_]+)\b/g)].map((m) => m[1] as string)));
  expect([...used].filter((name) => !known.has(name))).toEqual([]);
  expect(used.size).toBeGreaterThan(3);
});

it('names an existing runbook page for every alert', () => {
  const alerts = [...RULES.matchAll(/^\s*- alert:\s*(\S+)$/gm)].map((m) => m[1]);
  const runbooks = [...RULES.matchAll(/^\s*runbook:\s*(\S+)$/gm)].map((m) => m[1] as string);
  expect(runbooks).toHaveLength(alerts.length);
  expect(runbooks.filter((page) => !existsSync(join(ROOT, page)))).toEqual([]);
});
