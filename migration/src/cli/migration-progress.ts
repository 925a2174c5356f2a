/**
 * How a running migration's progress reads (`migrate start --wait`, `rollback --wait`,
 * `migrate status`): jobs moved of those planned, the rate measured over the last seconds, the
 * time left at that rate (else at the configured rate), and the row's state. Pure: the numbers
 * come from the migration row (core/src/migration/migration-state.ts) read by the caller.
 */
import type { MigrationRow, MigrationStatus } from '../../../core/src/migration/migration-state';

export interface ProgressSnapshot {
  readonly queue: string;
  readonly moved: number;
  /** What the command counted to move when it started (undefined: not counted). */
  readonly planned: number | undefined;
  /** Jobs/s measured (undefined: not measured yet). */
  readonly measuredRatePerS: number | undefined;
  /** The migration row's rate limit. */
  readonly rateLimitPerS: number;
  readonly status: MigrationStatus;
  readonly paused: boolean;
  /** How long the side the queue leaves has been empty (undefined: it is not). */
  readonly sourceEmptyForMs: number | undefined;
}

/** Jobs moved, all states. */
export function movedOf(row: Pick<MigrationRow, 'movedPending' | 'movedFailed' | 'movedSucceeded'>): number {
  return row.movedPending + row.movedFailed + row.movedSucceeded;
}

/** Seconds to move `remaining` jobs at `ratePerS`; undefined when the rate is unknown or zero. */
export function etaSeconds(remaining: number, ratePerS: number | undefined): number | undefined {
  if (remaining <= 0) return 0;
  if (ratePerS === undefined || !Number.isFinite(ratePerS) || ratePerS <= 0) return undefined;
  return Math.ceil(remaining / ratePerS);
}

/** `45s`, `4m26s`, `2h05m`, `3d04h`; `-` when unknown. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '-';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${pad(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86_400)}d${pad(Math.floor((s % 86_400) / 3600))}h`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `1,234,567` */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** What the row says the migration is doing, in a few words. */
export function describeState(s: Pick<ProgressSnapshot, 'status' | 'paused' | 'sourceEmptyForMs'>): string {
  if (s.status !== 'copying') return s.status;
  if (s.paused) return 'copying, paused';
  if (s.sourceEmptyForMs !== undefined) return `copying, source empty for ${formatDuration(s.sourceEmptyForMs / 1000)}`;
  return 'copying';
}

/** The time left: what remains of the plan at the measured rate, else at the rate limit; 0 once the migration is done. */
export function remainingSeconds(s: ProgressSnapshot): number | undefined {
  if (s.status !== 'copying') return 0;
  if (s.planned === undefined || s.paused) return undefined;
  return etaSeconds(s.planned - s.moved, s.measuredRatePerS ?? s.rateLimitPerS);
}

/** One line: `my_queue  1,234 / 5,000 moved (24.7%)  850 jobs/s  ETA 4m26s  copying`. */
export function progressLine(s: ProgressSnapshot): string {
  const of = s.planned === undefined ? '' : ` / ${formatCount(s.planned)}`;
  const percent = s.planned === undefined || s.planned === 0 ? '' : ` (${Math.min(100, (100 * s.moved) / s.planned).toFixed(1)}%)`;
  const rate = s.measuredRatePerS === undefined ? `limit ${formatCount(s.rateLimitPerS)} jobs/s` : `${formatCount(s.measuredRatePerS)} jobs/s`;
  return `${s.queue}  ${formatCount(s.moved)}${of} moved${percent}  ${rate}  ETA ${formatDuration(remainingSeconds(s))}  ${describeState(s)}`;
}

/** The terminal sequence that redraws the current line in place with `line`. */
export function redrawn(line: string): string {
  return `\r\x1b[2K${line}`;
}

/**
 * Jobs/s over the samples of the last `windowMs` (the moved counter read every poll). A counter
 * that goes down (a new migration replaced the row) starts the measurement again.
 */
export class RateMeter {
  private readonly samples: Array<{ atMs: number; moved: number }> = [];

  constructor(private readonly windowMs = 10_000) {}

  add(atMs: number, moved: number): void {
    const last = this.samples[this.samples.length - 1];
    if (last !== undefined && moved < last.moved) this.samples.length = 0;
    this.samples.push({ atMs, moved });
    while (this.samples.length > 2 && (this.samples[1] as { atMs: number }).atMs <= atMs - this.windowMs) this.samples.shift();
  }

  /** undefined until two samples at least a second apart. */
  ratePerS(): number | undefined {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (first === undefined || last === undefined || last.atMs - first.atMs < 1000) return undefined;
    return ((last.moved - first.moved) * 1000) / (last.atMs - first.atMs);
  }
}
