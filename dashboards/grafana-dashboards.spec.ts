/**
 * The Grafana dashboards of dashboards/grafana/ (issue 13): each parses, has a fixed uid of its
 * own, refers to its datasource only through the `datasource` variable (portable between Grafana
 * instances), and every PromQL query (panels and template variables) reads only series of the
 * telemetry catalogue. The provisioning files have the shape Grafana's file provisioning wants.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS, prometheusSeries } from '../core/src/telemetry/telemetry-catalogue';
import {
  allPanels, panelQueries, PORTABLE_DATASOURCE, readDashboards, variablePromql, variableQuery, variables,
  type DashboardFile, type DatasourceRef,
} from './grafana-dashboard-files';
import { promqlSeriesNames, unknownSeries } from './promql-series-names';

const DASHBOARDS = readDashboards();
const CATALOGUE_SERIES: ReadonlySet<string> = new Set(Object.values(METRICS).flatMap(prometheusSeries));
/** Grafana's built-in variables the queries may use. */
const BUILT_IN_VARIABLES = new Set(['__rate_interval', '__interval', '__range', '__range_s', '__interval_ms']);
const PROVISIONING = join(__dirname, 'provisioning');

/** Every PromQL of a dashboard, panels and variables, with where it is. */
function promqlOf(file: DashboardFile): Array<{ where: string; expr: string }> {
  const panels = panelQueries(file).map((q) => ({ where: `${q.file} "${q.panel}" ${q.refId}`, expr: q.expr }));
  const vars = variables(file.dashboard).flatMap((v) => {
    const promql = variablePromql(variableQuery(v) ?? '');
    return promql === undefined ? [] : [{ where: `${file.file} variable $${v.name}`, expr: promql }];
  });
  return [...panels, ...vars];
}

/** Series a dashboard reads that the catalogue does not define, one line each. */
function unknownSeriesOf(file: DashboardFile): string[] {
  return promqlOf(file).flatMap(({ where, expr }) => unknownSeries(expr, CATALOGUE_SERIES).map((name) => `${where}: ${name}`));
}

function sameRef(ref: DatasourceRef | undefined): boolean {
  return ref?.type === PORTABLE_DATASOURCE.type && ref.uid === PORTABLE_DATASOURCE.uid;
}

it('finds the four dashboards', () => {
  expect(DASHBOARDS.map((d) => d.file)).toEqual(['gateway.json', 'migration-progress.json', 'pacer-cluster-health.json', 'shadow-comparison.json']);
});

describe.each(DASHBOARDS.map((d) => [d.file, d] as const))('%s', (_file, file) => {
  const { dashboard } = file;

  it('has a fixed uid (no id, no import-time inputs)', () => {
    expect(dashboard.uid).toMatch(/^[a-z0-9][a-z0-9-]{2,39}$/);
    expect(dashboard.id ?? null).toBeNull();
    expect(dashboard.__inputs).toBeUndefined();
    expect(file.text).not.toMatch(/\$\{DS_[A-Z0-9_]+\}/);
  });

  it('names its datasource only through the `datasource` variable', () => {
    const datasourceVars = variables(dashboard).filter((v) => v.type === 'datasource');
    expect(datasourceVars.map((v) => ({ name: v.name, query: v.query }))).toEqual([{ name: 'datasource', query: 'prometheus' }]);
    const panels = allPanels(dashboard).filter((p) => p.type !== 'row');
    const problems = [
      ...panels.filter((p) => !sameRef(p.datasource)).map((p) => `panel "${p.title}": ${JSON.stringify(p.datasource)}`),
      ...panels.flatMap((p) => (p.targets ?? []).filter((t) => !sameRef(t.datasource)).map((t) => `panel "${p.title}" ${t.refId}: ${JSON.stringify(t.datasource)}`)),
      ...variables(dashboard).filter((v) => v.type === 'query' && !sameRef(v.datasource)).map((v) => `variable ${v.name}: ${JSON.stringify(v.datasource)}`),
    ];
    expect(problems).toEqual([]);
  });

  it('every panel has a unique id and at least one query', () => {
    const panels = allPanels(dashboard);
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const queried = new Set(panelQueries(file).map((q) => q.panel));
    expect(panels.filter((p) => p.type !== 'row' && !queried.has(p.title ?? '')).map((p) => p.title)).toEqual([]);
  });

  it('reads only series of the telemetry catalogue', () => {
    const all = promqlOf(file);
    expect(all.length).toBeGreaterThan(3);
    expect(all.flatMap(({ expr }) => promqlSeriesNames(expr)).length).toBeGreaterThan(3);
    expect(unknownSeriesOf(file)).toEqual([]);
  });

  it('uses only variables it defines (or Grafana\'s built-in ones)', () => {
    const defined = new Set([...variables(dashboard).map((v) => v.name), ...BUILT_IN_VARIABLES]);
    const used = promqlOf(file).flatMap(({ where, expr }) => [...expr.matchAll(/\$\{(\w+)[^}]*\}|\$(\w+)/g)].map((m) => ({ where, name: m[1] ?? m[2] ?? '' })));
    expect(used.filter((u) => !defined.has(u.name)).map((u) => `${u.where}: $${u.name}`)).toEqual([]);
  });
});

it('uids and titles are unique across the dashboards', () => {
  const uids = DASHBOARDS.map((d) => d.dashboard.uid);
  const titles = DASHBOARDS.map((d) => d.dashboard.title);
  expect(new Set(uids).size).toBe(DASHBOARDS.length);
  expect(new Set(titles).size).toBe(DASHBOARDS.length);
});

it('the catalogue check fails on a series the catalogue does not define', () => {
  const shadow = DASHBOARDS.find((d) => d.file === 'shadow-comparison.json') as DashboardFile;
  const panels = (shadow.dashboard.panels ?? []).map((p, i) => (i !== 1 ? p : {
    ...p, targets: [{ refId: 'A', datasource: PORTABLE_DATASOURCE, expr: 'sum by (pinlater_result) (rate(pinlater_shadow_comparison_total{messaging_destination_name="$queue"}[$__rate_interval])) / on() group_left sum(pinlater_jobs_enqueued_total)' }],
  }));
  const broken: DashboardFile = { ...shadow, dashboard: { ...shadow.dashboard, panels } };
  expect(unknownSeriesOf(broken)).toEqual([`shadow-comparison.json "${panels[1]?.title ?? ''}" A: pinlater_shadow_comparison_total`]);
});

describe('promqlSeriesNames', () => {
  it.each([
    ['histogram_quantile(0.99, sum by (le, rpc_method) (rate(rpc_server_call_duration_bucket{job=~"$job", rpc_method!=""}[5m])))', ['rpc_server_call_duration_bucket']],
    ['sum by (error_type) (label_replace(rate(a_total[1m]), "error_type", "ok", "error_type", ""))', ['a_total']],
    ['(x / y) or (y * 0)', ['x', 'y']],
    ['max(a) - on() group_right() b offset 5m > 1e3 and bool c', ['a', 'b', 'c']],
    ['topk(10, sum without (instance) (m{a="b}"}))', ['m']],
    ['sum(increase(c_total[$__range])) / ${x:raw} > Inf', ['c_total']],
  ])('%s', (expr, names) => {
    expect(promqlSeriesNames(expr)).toEqual(names);
  });
});

describe('provisioning', () => {
  it('dashboards: apiVersion 1, one file provider', () => {
    const text = readFileSync(join(PROVISIONING, 'dashboards', 'pinlater.yaml'), 'utf8');
    expect(text).toMatch(/^apiVersion: 1$/m);
    expect(text).toMatch(/^providers:\n {2}- name: \S+\n(?: {4}.+\n)*? {4}type: file\n(?: {4}.+\n)*? {4}options:\n {6}path: \/\S+$/m);
  });

  it('datasources: a Prometheus with a fixed uid', () => {
    const text = readFileSync(join(PROVISIONING, 'datasources', 'prometheus.yaml'), 'utf8');
    expect(text).toMatch(/^apiVersion: 1$/m);
    expect(text).toMatch(/^ {4}uid: [a-z0-9-]+$/m);
    expect(text).toMatch(/^ {4}type: prometheus$/m);
  });
});
