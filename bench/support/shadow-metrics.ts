/**
 * The shadow counters of a gateway's /metrics (telemetry-catalogue.ts `pinlater.shadow.*`), read
 * before and after a slice, so a shadow benchmark can say how much of the shadow work it asked
 * for was done and how much was shed. Benchmarks only.
 */
import { METRICS, prometheusSeries, type MetricDef } from '../../core/src/telemetry/telemetry-catalogue';

/** What the gateway counted so far (all queues). */
export interface ShadowCounters {
  readonly jobsCopied: number;
  readonly jobsDrained: number;
  /** Comparisons of reads (lookupJobs, getJobCount), any result. */
  readonly readsCompared: number;
  readonly comparisons: number;
  readonly dropped: number;
  readonly droppedOverloaded: number;
}

/** The sum of a metric's samples on /metrics whose label text contains every `labels` fragment. */
export function counterSum(text: string, def: MetricDef, labels: readonly string[] = []): number {
  const [name] = prometheusSeries(def) as [string];
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (labels.some((l) => !line.includes(l))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

export async function readShadowCounters(adminUrl: string): Promise<ShadowCounters> {
  const text = await (await fetch(`${adminUrl}/metrics`)).text();
  return {
    jobsCopied: counterSum(text, METRICS.shadowJobsCopied),
    jobsDrained: counterSum(text, METRICS.shadowJobsDrained),
    readsCompared: counterSum(text, METRICS.shadowComparisons, ['PinLater/lookupJobs"']) + counterSum(text, METRICS.shadowComparisons, ['PinLater/getJobCount"']),
    comparisons: counterSum(text, METRICS.shadowComparisons),
    dropped: counterSum(text, METRICS.shadowTasksDropped),
    droppedOverloaded: counterSum(text, METRICS.shadowTasksDropped, ['="overloaded"']),
  };
}

export function countersDelta(after: ShadowCounters, before: ShadowCounters): ShadowCounters {
  return {
    jobsCopied: after.jobsCopied - before.jobsCopied,
    jobsDrained: after.jobsDrained - before.jobsDrained,
    readsCompared: after.readsCompared - before.readsCompared,
    comparisons: after.comparisons - before.comparisons,
    dropped: after.dropped - before.dropped,
    droppedOverloaded: after.droppedOverloaded - before.droppedOverloaded,
  };
}

export const NO_COUNTERS: ShadowCounters = { jobsCopied: 0, jobsDrained: 0, readsCompared: 0, comparisons: 0, dropped: 0, droppedOverloaded: 0 };

/**
 * How much of the shadow work a slice asked for was done: jobs copied per job enqueued, reads
 * compared per read made, and the share of shadow tasks dropped (dropped / (dropped + done), a
 * task being one copy, one comparison or one mirrored call: an approximation from the counters).
 */
export function shadowShares(d: ShadowCounters, enqueued: number, reads: number): { copied: number; compared: number; tasksShed: number } {
  const done = d.comparisons + Math.ceil(d.jobsDrained / 100);
  return { copied: enqueued > 0 ? d.jobsCopied / enqueued : Number.NaN, compared: reads > 0 ? d.readsCompared / reads : Number.NaN, tasksShed: d.dropped / Math.max(1, d.dropped + done) };
}
