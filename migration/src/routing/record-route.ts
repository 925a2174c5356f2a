/**
 * A routing record (routing-record.ts) as the route a gateway serves (core/src/routing/queue-route.ts),
 * and back for the first record of a queue a gateway creates.
 */
import type { QueueRoute } from '../../../core/src/routing/queue-route';
import type { RoutingRecord } from './routing-record';

/**
 * The route of a record, or undefined for a record missing what its mode needs
 * (parseRoutingRecord refuses those): the caller keeps the previous route of the queue rather than
 * guess one. `finalized` serves exactly as `pacer`; `shadow` is served by its legacy cluster, with
 * the shadow copies in Pacer (issue 13).
 */
export function routeOfRecord(record: RoutingRecord): QueueRoute | undefined {
  switch (record.mode) {
    case 'legacy':
      return record.legacyCluster === null ? undefined : { mode: 'legacy', cluster: record.legacyCluster };
    case 'pacer':
    case 'finalized':
      return { mode: 'pacer', legacyCluster: record.legacyCluster };
    case 'migrating':
      return record.legacyCluster === null || record.direction === undefined
        ? undefined
        : { mode: 'migrating', legacyCluster: record.legacyCluster, direction: record.direction };
    case 'shadow':
      return record.legacyCluster === null ? undefined : { mode: 'shadow', legacyCluster: record.legacyCluster };
  }
}

/** The mode, legacy cluster and (migrating) direction a record of `route` carries. */
export function recordFieldsOf(route: QueueRoute): Pick<RoutingRecord, 'mode' | 'legacyCluster' | 'direction'> {
  switch (route.mode) {
    case 'legacy':
      return { mode: 'legacy', legacyCluster: route.cluster };
    case 'pacer':
      return { mode: 'pacer', legacyCluster: route.legacyCluster };
    case 'shadow':
      return { mode: 'shadow', legacyCluster: route.legacyCluster };
    case 'migrating':
      return { mode: 'migrating', legacyCluster: route.legacyCluster, direction: route.direction };
  }
}
