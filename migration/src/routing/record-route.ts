/**
 * A routing record (routing-record.ts) as the route a gateway serves (core/src/routing/queue-route.ts),
 * and back for the first record of a queue a gateway creates.
 */
import type { QueueRoute } from '../../../core/src/routing/queue-route';
import type { RoutingRecord } from './routing-record';

/**
 * The route of a record, or undefined for a mode this gateway does not serve yet (`shadow`,
 * `migrating`, `finalized`: the migration issue): the caller keeps the previous route of the
 * queue rather than guess one.
 */
export function routeOfRecord(record: RoutingRecord): QueueRoute | undefined {
  if (record.mode === 'legacy') return record.legacyCluster === null ? undefined : { mode: 'legacy', cluster: record.legacyCluster };
  if (record.mode === 'pacer') return { mode: 'pacer', legacyCluster: record.legacyCluster };
  return undefined;
}

/** The mode and legacy cluster a record of `route` carries. */
export function recordFieldsOf(route: QueueRoute): Pick<RoutingRecord, 'mode' | 'legacyCluster'> {
  return route.mode === 'legacy' ? { mode: 'legacy', legacyCluster: route.cluster } : { mode: 'pacer', legacyCluster: route.legacyCluster };
}
