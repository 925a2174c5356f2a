/**
 * A routing gateway's gauges: the routing table version it applied, its queues by mode, and its
 * ZooKeeper session (telemetry-catalogue.ts). Read from the route source's in-memory status at
 * collection time.
 */
import type { Meter } from '@opentelemetry/api';
import type { RoutingStatus } from '../../../core/src/routing/queue-route';
import { gaugeOf } from '../../../core/src/telemetry/meter-instruments';
import { ATTR, METRICS } from '../../../core/src/telemetry/telemetry-catalogue';

export function registerRoutingGauges(meter: Meter, status: () => RoutingStatus): void {
  gaugeOf(meter, METRICS.routingTableVersion, (observe) => observe(status().appliedVersion));
  gaugeOf(meter, METRICS.routingQueues, (observe) => {
    for (const [mode, n] of Object.entries(status().queuesByMode)) observe(n, { [ATTR.mode]: mode });
  });
  gaugeOf(meter, METRICS.zookeeperSessionConnected, (observe) => observe(status().sessionConnected ? 1 : 0));
}
