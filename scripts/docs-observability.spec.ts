/**
 * docs/observability.md and the runbooks stay true to the telemetry catalogue
 * (core/src/telemetry/telemetry-catalogue.ts): the doc's metric table names exactly the catalogue's
 * metrics (as Prometheus shows them) and its span table exactly the catalogue's spans; every
 * runbook page has a Metrics section naming at least one catalogue series, and every series named
 * there exists.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ATTR, METRICS, prometheusName, prometheusSeries, SPANS } from '../core/src/telemetry/telemetry-catalogue';
import { readDocPage } from './docs-page';
import { readFileSync } from 'node:fs';

const PAGE = readDocPage('observability.md');
const RUNBOOKS = join(__dirname, '..', 'runbooks');
/** Every series, and each histogram's own name (prose names the metric, queries its series). */
const SERIES = new Set([...Object.values(METRICS).flatMap(prometheusSeries), ...Object.values(METRICS).map(prometheusName)]);
/** Label names as Prometheus shows them (`pinlater_backend`, …): prose may name them too. */
const LABELS = new Set(Object.values(ATTR).map((a) => a.replace(/[^A-Za-z0-9_]/g, '_')));

/** First-column code spans of the table under the heading `## <title>`. */
function tableNames(markdown: string, title: string): string[] {
  const start = markdown.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`docs/observability.md has no "## ${title}" section`);
  const rest = markdown.slice(start + title.length + 5);
  const section = rest.slice(0, rest.search(/\n## /) >>> 0);
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1] as string);
}

/** Series-like names (pinlater_…, pacer_…, rpc_…) in a text's code spans, outside label matchers; label names are not series. */
function seriesNamed(text: string): string[] {
  const withoutLabels = text.replace(/\{[^}]*\}/g, ' ').replace(/\b(?:by|without|on|ignoring)\s*\([^)]*\)/g, ' ');
  return [...withoutLabels.matchAll(/`[^`]*`/g)].flatMap((code) => [...(code[0] as string).matchAll(/\b((?:pinlater|pacer|rpc)_[a-z0-9_]+)\b/g)].map((m) => m[1] as string)).filter((n) => !LABELS.has(n));
}

describe('docs/observability.md', () => {
  it('its metric table names exactly the catalogue\'s metrics', () => {
    expect(tableNames(PAGE, 'Metrics').sort()).toEqual(Object.values(METRICS).map(prometheusName).sort());
  });

  it('its span table names exactly the catalogue\'s spans', () => {
    expect(tableNames(PAGE, 'Traces').sort()).toEqual(Object.values(SPANS).map((s) => s.name).sort());
  });

  it('its example queries read only catalogue series', () => {
    const promql = PAGE.slice(PAGE.indexOf('```promql'), PAGE.indexOf('```', PAGE.indexOf('```promql') + 3));
    const named = [...promql.replace(/\{[^}]*\}/g, ' ').replace(/\b(?:by|without|on)\s*\([^)]*\)/g, ' ').matchAll(/\b((?:pinlater|pacer|rpc)_[a-z0-9_]+)\b/g)].map((m) => m[1] as string);
    expect(named.length).toBeGreaterThan(3);
    expect(named.filter((n) => !SERIES.has(n))).toEqual([]);
  });
});

describe('runbooks', () => {
  const pages = readdirSync(RUNBOOKS).filter((f) => f.endsWith('.md') && f !== 'README.md');

  it.each(pages)('%s has a Metrics section naming catalogue series only', (page) => {
    const text = readFileSync(join(RUNBOOKS, page), 'utf8');
    const start = text.indexOf('\n## Metrics\n');
    expect({ page, hasMetricsSection: start >= 0 }).toEqual({ page, hasMetricsSection: true });
    const rest = text.slice(start + 12);
    const section = rest.slice(0, rest.search(/\n## /) >>> 0);
    const named = seriesNamed(section);
    expect({ page, namesOne: named.length > 0 }).toEqual({ page, namesOne: true });
    expect({ page, unknown: named.filter((n) => !SERIES.has(n)) }).toEqual({ page, unknown: [] });
  });
});
