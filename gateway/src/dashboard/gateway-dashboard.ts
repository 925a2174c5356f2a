/**
 * Composition of the built-in dashboard for one gateway (gateway-process.ts): the backlog sampler
 * (`pinlater.queue.backlog`) over every system the gateway serves, the per-queue mode gauge
 * (`pinlater.routing.queue.mode`, routing gateways), the rolling history fed by the dashboard's
 * metric reader, and the `/dashboard` routes over them. With metrics off none of the samplers or
 * timers exist; the pages still answer and say that there is no data.
 */
import type { PinLaterBackend } from '../../../core/src/interfaces/pinlater-backend';
import type { Logger } from '../../../core/src/logging/logger';
import type { QueueRoute } from '../../../core/src/routing/queue-route';
import type { ShadowInspector } from '../../../core/src/shadow/shadow-report';
import type { Clock } from '../../../core/src/util/clock';
import type { KnownQueues } from '../service/known-queues';
import type { GatewayTelemetry } from '../telemetry/gateway-telemetry';
import { QueueBacklogSampler } from '../telemetry/queue-backlog-sampler';
import { registerQueueModeGauge } from '../telemetry/queue-mode-gauge';
import { DashboardHistory, DEFAULT_DASHBOARD_INTERVAL_MS } from './dashboard-history';
import { DashboardRoutes } from './dashboard-routes';

/** What a routing gateway adds: its table, its systems by label, its shadow comparison. */
export interface RoutingView {
  readonly routeOf: (queue: string) => QueueRoute | undefined;
  readonly systems: ReadonlyMap<string, PinLaterBackend>;
  readonly shadow?: () => ShadowInspector | undefined;
}

export interface GatewayDashboardDeps {
  readonly backend: PinLaterBackend;
  readonly knownQueues: KnownQueues;
  readonly queueSeries: (queue: string) => string;
  readonly telemetry: GatewayTelemetry | undefined;
  readonly routing: RoutingView | undefined;
  readonly intervalMs: number | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface GatewayDashboard {
  readonly routes: DashboardRoutes;
  close(): Promise<void>;
}

export function startGatewayDashboard(deps: GatewayDashboardDeps): GatewayDashboard {
  const t = deps.telemetry;
  const logger = deps.logger.child({ component: 'dashboard' });
  const sampler = t?.queueDepth === undefined ? undefined : new QueueBacklogSampler({
    systems: deps.routing?.systems ?? new Map([[deps.backend.kind, deps.backend]]),
    queueSeries: deps.queueSeries, meter: t.queueDepth.meter, intervalMs: t.queueDepth.intervalMs, clock: deps.clock, logger,
  });
  if (sampler !== undefined && t?.queueDepth !== undefined && deps.routing !== undefined) {
    registerQueueModeGauge(t.queueDepth.meter, { queues: () => sampler.queues(), routeOf: deps.routing.routeOf, holders: (q) => sampler.holders(q), queueSeries: deps.queueSeries });
  }
  sampler?.start();
  const history = t?.dashboardReader === undefined ? undefined : new DashboardHistory({
    reader: t.dashboardReader, intervalMs: deps.intervalMs ?? DEFAULT_DASHBOARD_INTERVAL_MS, clock: deps.clock, logger,
  });
  history?.start();
  const known = deps.knownQueues;
  const routes = new DashboardRoutes({
    history,
    queues: () => known.first(Number.MAX_SAFE_INTEGER),
    knows: (q) => known.has(q),
    holders: (q) => sampler?.holders(q) ?? new Set(),
    clock: deps.clock,
    ...(deps.routing === undefined ? { fixedMode: deps.backend.kind === 'pacer' ? 'pacer' : 'legacy' } : { routeOf: deps.routing.routeOf }),
    ...(deps.routing?.shadow === undefined ? {} : { shadow: deps.routing.shadow }),
  });
  return {
    routes,
    close: async () => {
      await history?.close();
      await sampler?.close();
    },
  };
}
