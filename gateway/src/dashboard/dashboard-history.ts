/**
 * Feeds the dashboard's rolling history (metric-history.ts): every `intervalMs` one collection of
 * the gateway's metrics through the dashboard's reader (dashboard-metric-reader.ts) becomes one
 * point per series (history-points.ts). Requests to the dashboard only read the history, so their
 * cost does not grow with backends or traffic; a collection that fails is logged and leaves a gap.
 */
import type { Logger } from '../../../core/src/logging/logger';
import type { Clock } from '../../../core/src/util/clock';
import { runDetached } from '../../../core/src/util/run-detached';
import type { DashboardMetricReader } from './dashboard-metric-reader';
import { historyPoints, isRateSeries } from './history-points';
import { DEFAULT_HISTORY_LIMITS, MetricHistory, type HistoryLimits } from './metric-history';

/** Default collection interval: 360 points cover 30 minutes. */
export const DEFAULT_DASHBOARD_INTERVAL_MS = 5000;

export interface DashboardHistoryOptions {
  readonly reader: DashboardMetricReader;
  readonly intervalMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly limits?: HistoryLimits;
}

export class DashboardHistory {
  readonly history: MetricHistory;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastAtMs: number;
  /** How long the last collection took (ms), for the API's diagnostics. */
  lastCollectMs = 0;

  constructor(private readonly options: DashboardHistoryOptions) {
    this.history = new MetricHistory(options.limits ?? DEFAULT_HISTORY_LIMITS, isRateSeries);
    this.lastAtMs = options.clock.nowMs();
  }

  get intervalMs(): number {
    return this.options.intervalMs;
  }

  start(): void {
    this.timer = setInterval(() => {
      if (this.running === undefined) this.running = this.collectOnce().finally(() => (this.running = undefined));
      runDetached('dashboard history collection from its timer', this.running, this.options.logger);
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /** One collection into the history (the timer's work; tests call it directly). */
  async collectOnce(): Promise<void> {
    const started = this.options.clock.nowMs();
    try {
      const collected = await this.options.reader.read();
      const now = this.options.clock.nowMs();
      this.history.append(now, historyPoints(collected, (now - this.lastAtMs) / 1000));
      this.lastAtMs = now;
    } catch (e) {
      this.options.logger.warn({ err: e }, 'dashboard metrics collection failed; the history has a gap');
    } finally {
      this.lastCollectMs = this.options.clock.nowMs() - started;
    }
  }

  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
