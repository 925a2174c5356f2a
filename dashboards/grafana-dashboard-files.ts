/**
 * The Grafana dashboards of dashboards/grafana/*.json, read as the checks need them: every panel
 * query (its PromQL, the panel and target datasources), every template variable, and a query with
 * its template variables filled in so it can run against a Prometheus directly.
 *
 * Used by dashboards/grafana-dashboards.spec.ts (fixed uids, portable datasources, catalogue
 * series only) and test/integration/grafana-panels-prometheus.test.ts (every query returns data).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const GRAFANA_DASHBOARD_DIR = join(__dirname, 'grafana');

/** The datasource reference of every panel and query: the dashboard's `datasource` variable. */
export const PORTABLE_DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

export interface DatasourceRef { readonly type?: string; readonly uid?: string }

export interface GrafanaTarget { readonly refId?: string; readonly expr?: string; readonly datasource?: DatasourceRef }

export interface GrafanaPanel {
  readonly id?: number;
  readonly type: string;
  readonly title?: string;
  readonly datasource?: DatasourceRef;
  readonly targets?: readonly GrafanaTarget[];
  /** Panels of a collapsed row. */
  readonly panels?: readonly GrafanaPanel[];
}

export interface GrafanaVariable {
  readonly name: string;
  readonly type: string;
  readonly query?: string | { readonly query?: string };
  readonly datasource?: DatasourceRef;
  readonly allValue?: string;
}

export interface GrafanaDashboard {
  readonly uid?: string;
  readonly id?: number | null;
  readonly title?: string;
  readonly panels?: readonly GrafanaPanel[];
  readonly templating?: { readonly list?: readonly GrafanaVariable[] };
  readonly __inputs?: unknown;
}

export interface DashboardFile { readonly file: string; readonly dashboard: GrafanaDashboard; readonly text: string }

/** One query of one panel. */
export interface PanelQuery {
  readonly file: string;
  readonly panel: string;
  readonly refId: string;
  readonly expr: string;
}

/** Every dashboard file, parsed (a file that is not JSON throws, naming the file). */
export function readDashboards(dir: string = GRAFANA_DASHBOARD_DIR): DashboardFile[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    try {
      return { file, text, dashboard: JSON.parse(text) as GrafanaDashboard };
    } catch (error) {
      throw new Error(`${file}: not JSON: ${(error as Error).message}`);
    }
  });
}

/** Every panel, those inside collapsed rows included. */
export function allPanels(dashboard: GrafanaDashboard): GrafanaPanel[] {
  return (dashboard.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Every PromQL query of every panel. */
export function panelQueries(file: DashboardFile): PanelQuery[] {
  return allPanels(file.dashboard).flatMap((panel) => (panel.targets ?? [])
    .filter((t) => t.expr !== undefined && t.expr.trim() !== '')
    .map((t) => ({ file: file.file, panel: panel.title ?? `panel ${panel.id ?? '?'}`, refId: t.refId ?? '?', expr: t.expr as string })));
}

export function variables(dashboard: GrafanaDashboard): readonly GrafanaVariable[] {
  return dashboard.templating?.list ?? [];
}

/** A `query` variable's query text (`label_values(...)`, `query_result(...)`, …), or undefined. */
export function variableQuery(variable: GrafanaVariable): string | undefined {
  if (variable.type !== 'query') return undefined;
  return typeof variable.query === 'string' ? variable.query : variable.query?.query;
}

/**
 * The PromQL inside a variable query: the selector of `label_values(<selector>, <label>)`, the
 * expression of `query_result(<expr>)`, nothing for `label_values(<label>)` and `label_names()`.
 */
export function variablePromql(query: string): string | undefined {
  const labelValues = /^\s*label_values\(\s*(.+?)\s*,\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$/s.exec(query);
  if (labelValues !== null) return labelValues[1];
  const result = /^\s*query_result\(\s*(.+)\s*\)\s*$/s.exec(query);
  return result === null ? undefined : result[1];
}

/**
 * `expr` with Grafana's variables filled in: `values` for the dashboard's own (`$queue`,
 * `${queue}`), and the built-in intervals `$__rate_interval`, `$__interval`, `$__range`.
 * Throws on a variable it has no value for, so no query is run half-filled.
 */
export function fillVariables(expr: string, values: Readonly<Record<string, string>>): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (whole: string, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    const value = values[name];
    if (value === undefined) throw new Error(`no value for Grafana variable ${whole} in: ${expr}`);
    return value;
  });
}
