/**
 * The JSON behind the built-in dashboard (`/dashboard/api/...`, dashboard-routes.ts). Everything
 * is read from memory: the rolling metric history (dashboard-history.ts), the routing table the
 * gateway applied (`routeOf`), the backlog sampler's holders, the known queue list and the shadow
 * comparison's report. No request reaches a backend, so 1,000 queues cost a sort of their names
 * and a page of lookups, whatever the traffic. Every answer is bounded: a page of at most
 * MAX_PAGE queues, at most the history's points per series, at most MAX_SAMPLES mismatch samples
 * with their values cut to MAX_VALUE_CHARS. Queue names and sample values are returned as data;
 * the page renders them as text (assets/dashboard.js), never as markup.
 */
import type { QueueRoute } from '../../../core/src/routing/queue-route';
import { isShadowQueueName } from '../../../core/src/shadow/shadow-queue-name';
import type { ShadowInspector, ShadowQueueReport } from '../../../core/src/shadow/shadow-report';
import type { Clock } from '../../../core/src/util/clock';
import { queueMode } from '../telemetry/queue-mode-gauge';
import type { DashboardHistory } from './dashboard-history';
import { copyProgress, modeChanges, type CopyProgress, type ModeChange } from './queue-progress';
import { MODES, SERIES, seriesLabel } from './history-points';
import { ALL_QUEUES, type MetricHistory, type SeriesWindow } from './metric-history';

export const MAX_PAGE = 200;
const DEFAULT_PAGE = 50;
export const MAX_SAMPLES = 50;
const MAX_DIFFERENCES = 20;
export const MAX_VALUE_CHARS = 300;
/** A series with no sample for this many intervals is reported stale. */
export const STALE_INTERVALS = 3;

export interface DashboardSource {
  /** undefined: metrics are off, there is no history. */
  readonly history: Pick<DashboardHistory, 'history' | 'intervalMs' | 'lastCollectMs'> | undefined;
  /** Every queue the gateway knows, in name order. */
  readonly queues: () => string[];
  readonly knows: (queue: string) => boolean;
  /** A routing gateway's table (in memory); undefined for a single-backend gateway. */
  readonly routeOf?: (queue: string) => QueueRoute | undefined;
  /** Systems holding the queue at the backlog sampler's last round. */
  readonly holders: (queue: string) => ReadonlySet<string>;
  /** The shadow comparison, when the gateway runs it. */
  readonly shadow?: () => ShadowInspector | undefined;
  /** A single-backend gateway's mode (`legacy` or `pacer`). */
  readonly fixedMode?: 'legacy' | 'pacer';
  readonly clock: Clock;
}

export interface OverviewQuery {
  readonly offset: number;
  readonly limit: number;
  /** Only queues whose name contains it. */
  readonly filter: string;
  readonly points: number;
}

export interface QueueRow {
  readonly queue: string;
  readonly mode: string | null;
  readonly legacyCluster: string | null;
  readonly direction: string | null;
  readonly backlog: Record<string, number>;
  readonly enqueueRate: number | null;
  readonly dequeueRate: number | null;
  readonly requestRate: number | null;
  readonly errorRate: number | null;
  /** Age of the newest sample of any of the queue's series, or null when it has none. */
  readonly lastSampleAgeMs: number | null;
}

export function parseOverviewQuery(params: URLSearchParams): OverviewQuery | string {
  const filter = params.get('filter') ?? '';
  if (!/^[A-Za-z0-9_]{0,255}$/.test(filter)) return 'filter: letters, digits and _ only (at most 255)';
  return {
    offset: clampInt(params.get('offset'), 0, 0, 1_000_000),
    limit: clampInt(params.get('limit'), DEFAULT_PAGE, 1, MAX_PAGE),
    filter,
    points: clampInt(params.get('points'), 360, 2, 100_000),
  };
}

export function pointsOf(params: URLSearchParams): number {
  return clampInt(params.get('points'), 360, 2, 100_000);
}

function clampInt(raw: string | null, fallback: number, min: number, max: number): number {
  const n = raw === null ? Number.NaN : Number.parseInt(raw, 10);
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
}

function meta(source: DashboardSource): Record<string, unknown> {
  const h = source.history;
  return {
    generatedAt: new Date(source.clock.nowMs()).toISOString(),
    metrics: h !== undefined,
    intervalMs: h?.intervalMs ?? null,
    staleAfterMs: h === undefined ? null : h.intervalMs * STALE_INTERVALS,
    historyPoints: h?.history.length ?? 0,
    historySeries: h?.history.seriesTotal ?? 0,
    historyDroppedValues: h?.history.droppedValues ?? 0,
    lastCollectMs: h?.lastCollectMs ?? null,
  };
}

export function overview(source: DashboardSource, query: OverviewQuery): Record<string, unknown> {
  const all = source.queues().filter((q) => !isShadowQueueName(q) && q.includes(query.filter));
  const page = all.slice(query.offset, query.offset + query.limit);
  const history = source.history?.history;
  const totals = history?.window(ALL_QUEUES, query.points) ?? { times: [], series: {} };
  return {
    ...meta(source),
    totals,
    queues: { total: all.length, offset: query.offset, limit: query.limit, filter: query.filter, items: page.map((q) => queueRow(source, q)) },
  };
}

function routeOrUndefined(source: DashboardSource, queue: string): QueueRoute | undefined {
  try {
    return source.routeOf?.(queue);
  } catch {
    return undefined;
  }
}

function modeOf(source: DashboardSource, queue: string): string | null {
  if (source.routeOf === undefined) return source.fixedMode ?? null;
  return queueMode({ routeOf: source.routeOf, holders: source.holders }, queue) ?? null;
}

function routeFields(source: DashboardSource, queue: string): Pick<QueueRow, 'mode' | 'legacyCluster' | 'direction'> {
  const route = routeOrUndefined(source, queue);
  const legacyCluster = route === undefined ? legacyHolder(source, queue) : route.mode === 'legacy' ? route.cluster : route.legacyCluster;
  return { mode: modeOf(source, queue), legacyCluster, direction: route?.mode === 'migrating' ? route.direction : null };
}

function legacyHolder(source: DashboardSource, queue: string): string | null {
  if (source.routeOf === undefined) return null;
  return [...source.holders(queue)].find((h) => h !== 'pacer' && h !== 'pacer-shadow') ?? null;
}

function queueRow(source: DashboardSource, queue: string): QueueRow {
  const history = source.history?.history;
  const lookBack = STALE_INTERVALS;
  const sumLatest = (prefix: string): number | null => {
    if (history === undefined) return null;
    let sum: number | null = null;
    for (const name of history.seriesNames(queue)) {
      if (!name.startsWith(prefix)) continue;
      const v = history.latest(queue, name, lookBack);
      if (v !== undefined) sum = (sum ?? 0) + v.value;
    }
    return sum;
  };
  const backlog: Record<string, number> = {};
  for (const name of history?.seriesNames(queue) ?? []) {
    if (!name.startsWith('backlog|')) continue;
    const v = history?.latest(queue, name, lookBack);
    if (v !== undefined) backlog[seriesLabel(name)] = v.value;
  }
  return {
    queue,
    ...routeFields(source, queue),
    backlog,
    enqueueRate: sumLatest('rate:enqueue|'),
    dequeueRate: sumLatest('rate:dequeue|'),
    requestRate: sumLatest(SERIES.requestRate),
    errorRate: sumLatest(SERIES.errorRate),
    lastSampleAgeMs: newestSampleAge(source, history, queue),
  };
}

function newestSampleAge(source: DashboardSource, history: MetricHistory | undefined, queue: string): number | null {
  if (history === undefined) return null;
  let newest: number | undefined;
  for (const name of history.seriesNames(queue)) {
    if (name.startsWith('rate:')) continue; // rates are 0 when nothing happened: not a sample of the queue
    const v = history.latest(queue, name);
    if (v !== undefined && (newest === undefined || v.atMs > newest)) newest = v.atMs;
  }
  return newest === undefined ? null : source.clock.nowMs() - newest;
}

export interface QueuePage {
  readonly [key: string]: unknown;
}

/** The queue page's data, or undefined when the gateway knows nothing of the queue. */
export function queueDetail(source: DashboardSource, queue: string, points: number): QueuePage | undefined {
  const history = source.history?.history;
  const known = source.knows(queue) || history?.hasQueue(queue) === true;
  if (!known) return undefined;
  const route = routeFields(source, queue);
  const window: SeriesWindow = history?.window(queue, points) ?? { times: [], series: {} };
  const changes: ModeChange[] = modeChanges(window, MODES);
  const copy: CopyProgress | null = route.mode === 'migrating' ? copyProgress(window, leavingSide(route), MODES.indexOf('migrating')) : null;
  return {
    ...meta(source),
    queue,
    ...route,
    modes: MODES,
    modeChanges: changes,
    series: window,
    ownSeries: history?.hasQueue(queue) === true,
    copy,
    shadow: shadowOf(source, queue),
  };
}

/** The system a migrating queue leaves: its legacy cluster (to Pacer) or Pacer (a rollback). */
function leavingSide(route: Pick<QueueRow, 'legacyCluster' | 'direction'>): { leaving: string; arriving: string } {
  const legacy = route.legacyCluster ?? 'legacy';
  return route.direction === 'to-legacy' ? { leaving: 'pacer', arriving: legacy } : { leaving: legacy, arriving: 'pacer' };
}

function shadowOf(source: DashboardSource, queue: string): Record<string, unknown> | null {
  let report: ShadowQueueReport | undefined;
  try {
    report = source.shadow?.()?.report(queue);
  } catch {
    report = undefined;
  }
  if (report === undefined) return null;
  return {
    methods: report.methods.slice(0, 16).map((m) => ({ ...m, fields: m.fields.slice(0, 64).map((f) => ({ ...f, field: cut(f.field) })) })),
    dropped: report.dropped,
    jobsCopied: report.jobsCopied,
    jobsDrained: report.jobsDrained,
    copiesShed: report.copiesShed ?? 0,
    // While set, the copy is incomplete: count/scan comparisons are ignored until shadow restarts.
    copyIncompleteSince: report.copyIncompleteSince === undefined ? null : cut(report.copyIncompleteSince),
    samples: report.samples.slice(0, MAX_SAMPLES).map((s) => ({
      at: cut(s.at),
      method: s.method,
      differences: s.differences.slice(0, MAX_DIFFERENCES).map((d) => ({ field: cut(d.field), primary: cut(d.primary), candidate: cut(d.candidate) })),
    })),
  };
}

function cut(text: string): string {
  const s = String(text);
  return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS)}… (${s.length} chars)` : s;
}
