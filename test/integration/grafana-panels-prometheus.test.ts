/**
 * Issue 13: every query of every Grafana dashboard (dashboards/grafana/*.json) returns data from a
 * real Prometheus scraping real processes after a workload (telemetry-workload.ts: gateway, Pacer
 * broker and controller, copier; a queue migrated, a queue in shadow mode).
 *
 * Each panel query runs as Grafana runs it, a range query over the time since the system started
 * (step 2 s), with the dashboard's variables filled in (`$queue`: the workload's queue the
 * dashboard is about; multi-value variables: `.*`, their "All"; `$__rate_interval` 1m,
 * `$__range` 15m), and must return at least one finite point. While it waits for that, it keeps
 * steady traffic going (telemetry-workload.ts `trafficRound`), as a live system has: rates need
 * increases between scrapes. Each `label_values` variable must offer the value the panels were
 * run with.
 *
 * The shadow comparison dashboard needs a queue in shadow mode: until the routing table serves
 * `shadow` (telemetry-workload.ts SHADOW_SERVED), its checks are reported as todo.
 */
import { fillVariables, panelQueries, readDashboards, variablePromql, variableQuery, variables, type DashboardFile, type PanelQuery } from '../../dashboards/grafana-dashboard-files';
import { promqlSeriesNames } from '../../dashboards/promql-series-names';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import type { MatrixSeries, ScratchPrometheus } from '../support/scratch-prometheus';
import { Q_MOVE, Q_SHADOW, SHADOW_SERVED, trafficRound, useTelemetrySystem } from './telemetry-workload';

jest.setTimeout(120_000);

const STEP_S = 2;
const DATA = { timeoutMs: 60_000, intervalMs: 2000 };
const BUILT_INS = { __rate_interval: '1m', __interval: `${STEP_S}s`, __range: '15m' };
/** The variables of each dashboard, as an operator would pick them for the workload. */
const VALUES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'gateway.json': { job: '.*', method: '.*' },
  'migration-progress.json': { queue: Q_MOVE },
  'pacer-cluster-health.json': {},
  'shadow-comparison.json': { queue: Q_SHADOW, method: '.*' },
};
/** What each `label_values` variable must offer: a value, or (a `.*` All) just some value. */
const OFFERED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'gateway.json': { job: 'pinlater-gateway' },
  'migration-progress.json': { queue: Q_MOVE },
  'shadow-comparison.json': { queue: Q_SHADOW },
};

const DASHBOARDS = readDashboards();
const startedS = Math.floor(Date.now() / 1000);
const { system, phase } = useTelemetrySystem('grafana-panels');
afterAll(assertNoLeaks);

/** Whether a dashboard needs a queue in shadow mode for its queries to have data. */
function needsShadow(file: DashboardFile): boolean {
  return panelQueries(file).some((q) => promqlSeriesNames(q.expr).some((name) => name.startsWith('pinlater_shadow_')));
}

/** A range query over the system's lifetime, as a panel runs it. */
function rangeQuery(promql: string): Promise<MatrixSeries[]> {
  return (system.prom as ScratchPrometheus).queryRange(promql, startedS, Math.ceil(Date.now() / 1000), STEP_S);
}

function hasFinitePoint(series: readonly MatrixSeries[]): boolean {
  return series.some((s) => s.values.some(([, value]) => Number.isFinite(Number(value))));
}

/** The queries of `file` without a finite point, each with its filled-in PromQL. */
async function queriesWithoutData(file: DashboardFile, queries: readonly PanelQuery[]): Promise<string[]> {
  const values = { ...BUILT_INS, ...VALUES[file.file] };
  const results = await Promise.all(queries.map(async (q) => {
    const promql = fillVariables(q.expr, values);
    return hasFinitePoint(await rangeQuery(promql)) ? undefined : `"${q.panel}" ${q.refId}: ${promql}`;
  }));
  return results.filter((r): r is string => r !== undefined);
}

it('reads every dashboard', () => {
  expect(DASHBOARDS.map((d) => d.file).sort()).toEqual(Object.keys(VALUES).sort());
});

describe.each(DASHBOARDS.map((d) => [d.file, d] as const))('%s', (name, file) => {
  const pending = needsShadow(file) && !SHADOW_SERVED;
  if (pending) {
    it.todo('every panel query returns data (needs shadow mode: SERVED_MODES in migration/src/routing/routing-record.ts has no `shadow` yet)');
    it.todo('its variables offer the workload\'s values (needs shadow mode)');
    return;
  }

  it('every panel query returns data', async () => {
    const queries = panelQueries(file);
    expect(queries.length).toBeGreaterThan(0);
    let missing: string[] = queries.map((q) => q.expr);
    try {
      await eventually(async () => {
        await trafficRound(system);
        missing = await queriesWithoutData(file, queries);
        if (missing.length > 0) throw new Error(`${missing.length} queries without data`);
      }, DATA);
    } catch {
      throw new Error(`${name}: ${missing.length} of ${queries.length} panel queries returned no finite point after ${DATA.timeoutMs} ms:\n  ${missing.join('\n  ')}`);
    }
    phase(`${name}: every panel query has data`);
  });

  it('its variables offer the workload\'s values', async () => {
    const wanted = OFFERED[name] ?? {};
    for (const v of variables(file.dashboard)) {
      const query = variableQuery(v);
      const selector = query === undefined ? undefined : variablePromql(query);
      if (query === undefined || selector === undefined) continue;
      const label = /,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$/.exec(query)?.[1] as string;
      const promql = `group by (${label}) (${fillVariables(selector, { ...BUILT_INS, ...VALUES[name] })})`;
      const offered = new Set((await rangeQuery(promql)).map((s) => s.metric[label] ?? ''));
      const value = wanted[v.name];
      expect({ variable: v.name, offers: value === undefined ? offered.size > 0 : offered.has(value) }).toEqual({ variable: v.name, offers: true });
    }
  });
});
