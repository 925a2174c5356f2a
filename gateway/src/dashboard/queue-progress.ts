/**
 * What the queue page derives from a queue's history window (metric-history.ts):
 *
 * - the mode history: each change of the mode series (the `pinlater.routing.queue.mode` gauge),
 *   oldest first, as far back as the history goes;
 * - a migration's copy progress and ETA: the backlog of the side the queue leaves, compared with
 *   its largest value since the mode became `migrating` (within the window), and its rate of
 *   decrease fitted (least squares) over the last FIT_POINTS samples; the ETA is the backlog left
 *   at that rate. It measures the leaving side's emptying, by the copier and by workers alike.
 */
import { SERIES } from './history-points';
import type { SeriesWindow } from './metric-history';

export interface ModeChange {
  readonly atMs: number;
  readonly mode: string;
}

export interface CopyProgress {
  readonly leaving: string;
  readonly arriving: string;
  /** Jobs left on the leaving side (newest sample), null without samples. */
  readonly backlog: number | null;
  /** The leaving side's largest backlog since the migration started (within the history). */
  readonly initialBacklog: number | null;
  /** 0..1, null when unknown. */
  readonly progress: number | null;
  /** Jobs per second the leaving side's backlog shrinks by (negative: it grows). */
  readonly ratePerSecond: number | null;
  /** Seconds until the leaving side is empty at that rate; null when it is not shrinking. */
  readonly etaSeconds: number | null;
}

const FIT_POINTS = 12;

export function modeChanges(window: SeriesWindow, modes: readonly string[]): ModeChange[] {
  const values = window.series[SERIES.mode] ?? [];
  const changes: ModeChange[] = [];
  let previous: number | null = null;
  values.forEach((v, i) => {
    if (v === null || v === previous) return;
    previous = v;
    changes.push({ atMs: window.times[i] as number, mode: modes[v] ?? 'unknown' });
  });
  return changes;
}

export function copyProgress(window: SeriesWindow, sides: { leaving: string; arriving: string }, migratingIndex: number): CopyProgress {
  const backlog = window.series[SERIES.backlog(sides.leaving)] ?? [];
  const mode = window.series[SERIES.mode] ?? [];
  let start = 0;
  for (let i = mode.length - 1; i >= 0; i--) {
    if (mode[i] !== null && mode[i] !== migratingIndex) {
      start = i + 1;
      break;
    }
  }
  const since = backlog.slice(start).map((v, i) => ({ t: (window.times[start + i] as number) / 1000, v })).filter((p): p is { t: number; v: number } => p.v !== null);
  const current = since.length === 0 ? null : (since[since.length - 1] as { v: number }).v;
  const initial = since.length === 0 ? null : Math.max(...since.map((p) => p.v));
  const rate = since.length < 2 ? null : -slope(since.slice(-FIT_POINTS));
  return {
    ...sides,
    backlog: current,
    initialBacklog: initial,
    progress: current === null || initial === null ? null : initial === 0 ? 1 : (initial - current) / initial,
    ratePerSecond: rate,
    etaSeconds: current !== null && rate !== null && rate > 0 ? current / rate : current === 0 ? 0 : null,
  };
}

function slope(points: ReadonlyArray<{ t: number; v: number }>): number {
  const n = points.length;
  const mt = points.reduce((a, p) => a + p.t, 0) / n;
  const mv = points.reduce((a, p) => a + p.v, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - mt) * (p.v - mv);
    den += (p.t - mt) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
