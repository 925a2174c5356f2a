/**
 * Issue 12: the telemetry catalogue (core/src/telemetry/telemetry-catalogue.ts) matches what the
 * processes emit, in both directions, as a real Prometheus scrapes it.
 *
 * The system and the workload are telemetry-workload.ts's (shared with
 * grafana-panels-prometheus.test.ts): every part a process, Pacer in cluster mode, a copier
 * migrating a queue, a queue in shadow mode (issue 13), a scratch Prometheus scraping each
 * process's `/metrics` every second, one job per process kind.
 *
 * Then: every series of every catalogue metric (`prometheusSeries`) has data scraped from every
 * process kind its `processes` lists (`count(<series>{job="<kind>"}) > 0`; all missing ones are
 * reported at once); and every metric Prometheus holds under our prefixes (`pinlater_`, `pacer_`,
 * `rpc_`) is a catalogue series, scraped only from the kinds the catalogue lists, with only the
 * label keys its `attributes` name (plus `le` on histogram buckets).
 */
import {
  METRICS, prometheusSeries, type MetricDef, type TelemetryProcess,
} from '../../core/src/telemetry/telemetry-catalogue';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import type { ScratchPrometheus } from '../support/scratch-prometheus';
import { useTelemetrySystem } from './telemetry-workload';

jest.setTimeout(120_000);

const OUR_PREFIXES = /^(pinlater|pacer|rpc)_/;
/** Labels Prometheus adds to every scraped series. */
const TARGET_LABELS = new Set(['__name__', 'job', 'instance']);
const SCRAPED = { timeoutMs: 60_000, intervalMs: 1000 };

const { system, phase } = useTelemetrySystem('telemetry-catalogue');
afterAll(assertNoLeaks);

const DEFS: readonly MetricDef[] = Object.values(METRICS);

/** Catalogue series name → its metric. */
const DEF_OF_SERIES = new Map<string, MetricDef>(DEFS.flatMap((def) => prometheusSeries(def).map((series) => [series, def] as const)));

/** An attribute key as Prometheus shows it (the exporter's sanitising: anything else than [A-Za-z0-9_] becomes `_`). */
function labelOf(attribute: string): string {
  return attribute.replace(/[^A-Za-z0-9_]/g, '_');
}

/** Whether Prometheus holds data of `series` scraped from `job` right now. */
async function hasData(p: ScratchPrometheus, series: string, job: TelemetryProcess): Promise<boolean> {
  const samples = await p.queryVector(`count(${series}{job="${job}"})`);
  return samples.some((s) => s.value > 0);
}

it('every catalogue metric has data, scraped from every process kind the catalogue lists for it', async () => {
  const p = system.prom as ScratchPrometheus;
  const wanted = DEFS.flatMap((def) => def.processes.flatMap((job) => prometheusSeries(def).map((series) => ({ name: def.name, series, job }))));
  let missing = wanted.map((w) => `${w.series} (${w.name}) from ${w.job}`);
  try {
    await eventually(async () => {
      const found = await Promise.all(wanted.map((w) => hasData(p, w.series, w.job)));
      missing = wanted.filter((_, i) => found[i] !== true).map((w) => `${w.series} (${w.name}) from ${w.job}`);
      if (missing.length > 0) throw new Error(`${missing.length} series missing`);
    }, SCRAPED);
  } catch (error) {
    const targets = (await p.targets()).map((t) => `${t.job} ${t.health}${t.lastError === '' ? '' : ` (${t.lastError})`}`);
    throw new Error(`${missing.length} of ${wanted.length} catalogue series have no data after ${SCRAPED.timeoutMs} ms:\n  ${missing.join('\n  ')}\n`
      + `targets: ${targets.join(', ')}\nlast attempt: ${(error as Error).message}`);
  }
  phase('every catalogue series scraped');
});

it('exports nothing of ours outside the catalogue: names, the processes that emit them, their labels', async () => {
  const p = system.prom as ScratchPrometheus;
  const ours = (await p.metricNames()).filter((name) => OUR_PREFIXES.test(name));
  expect(ours.length).toBeGreaterThan(0);
  const problems = ours.filter((name) => !DEF_OF_SERIES.has(name)).map((name) => `${name} is not a catalogue series`);
  for (const sample of await p.queryVector('{__name__=~"(pinlater|pacer|rpc)_.+"}')) {
    const name = sample.labels.__name__ ?? '';
    const def = DEF_OF_SERIES.get(name);
    if (def === undefined) continue; // named above
    const job = sample.labels.job ?? '';
    if (!(def.processes as readonly string[]).includes(job)) problems.push(`${name} scraped from ${job}, not one of ${def.processes.join(', ')}`);
    const allowed = new Set([...TARGET_LABELS, ...def.attributes.map(labelOf), ...(def.kind === 'histogram' && name.endsWith('_bucket') ? ['le'] : [])]);
    for (const label of Object.keys(sample.labels)) if (!allowed.has(label)) problems.push(`${name} from ${job} has label ${label}, not one of the catalogue's attributes (${def.attributes.join(', ')})`);
  }
  expect([...new Set(problems)]).toEqual([]);
});
