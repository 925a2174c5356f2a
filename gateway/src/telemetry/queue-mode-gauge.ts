/**
 * `pinlater.routing.queue.mode`: 1 for the mode each queue is served in now, per queue (its history
 * is the queue's mode history, read by the built-in dashboard and Prometheus alike). Read at
 * collection time from memory only: the routing table the gateway applied (`routeOf`, the route
 * source's in-memory table) for the queues the backlog sampler last saw (bounded); a queue with no
 * record is served where it lives (`pacer` when only Pacer holds it, else `legacy`). Queues that
 * share the overflow series are left out (one value per series).
 */
import type { Meter } from '@opentelemetry/api';
import { OVERFLOW_QUEUE_SERIES } from '../../../core/src/interfaces/stats';
import type { QueueRoute } from '../../../core/src/routing/queue-route';
import { gaugeOf } from '../../../core/src/telemetry/meter-instruments';
import { ATTR, METRICS } from '../../../core/src/telemetry/telemetry-catalogue';

export interface QueueModeSource {
  readonly queues: () => Iterable<string>;
  /** The route in force; may throw for a queue whose record this gateway cannot use. */
  readonly routeOf: (queue: string) => QueueRoute | undefined;
  readonly holders: (queue: string) => ReadonlySet<string>;
  readonly queueSeries: (queue: string) => string;
}

export function registerQueueModeGauge(meter: Meter, source: QueueModeSource): void {
  gaugeOf(meter, METRICS.routingQueueMode, (observe) => {
    for (const queue of source.queues()) {
      const series = source.queueSeries(queue);
      const mode = queueMode(source, queue);
      if (series !== OVERFLOW_QUEUE_SERIES && mode !== undefined) observe(1, { [ATTR.queue]: series, [ATTR.mode]: mode });
    }
  });
}

/** The mode a queue is served in, or undefined when its record cannot be used (refused). */
export function queueMode(source: Pick<QueueModeSource, 'routeOf' | 'holders'>, queue: string): QueueRoute['mode'] | undefined {
  try {
    const route = source.routeOf(queue);
    if (route !== undefined) return route.mode;
  } catch {
    return undefined;
  }
  const holders = source.holders(queue);
  return holders.size > 0 && [...holders].every((h) => h === 'pacer' || h === 'pacer-shadow') ? 'pacer' : 'legacy';
}
