/**
 * Which systems `/backlog` counts a queue on, and the `system` it reports, from the queue's route
 * (core/src/routing/queue-route.ts) the way the routing backend serves the queue's counts:
 *
 * | route | counted on | `system` |
 * |---|---|---|
 * | `legacy` | its cluster | the cluster's name |
 * | `pacer` (also `finalized`) | Pacer | `pacer` |
 * | `shadow` | its legacy cluster (the primary; the shadow copy is never counted) | the cluster's name |
 * | `migrating` | both sides, added | `<cluster>+pacer` |
 * | no record | the one system holding the queue | that system's name |
 */
import { PACER_SYSTEM } from '../../../core/src/routing/routing-backend';
import type { QueueRoute } from '../../../core/src/routing/queue-route';

export interface BacklogServing {
  /** What `/backlog` reports as `system`. */
  readonly system: string;
  /** The systems whose counts are added (names as the routing view's `systems` map has them). */
  readonly counted: readonly string[];
}

export function servingOfRoute(route: QueueRoute): BacklogServing {
  switch (route.mode) {
    case 'legacy':
      return { system: route.cluster, counted: [route.cluster] };
    case 'pacer':
      return { system: PACER_SYSTEM, counted: [PACER_SYSTEM] };
    case 'shadow':
      return { system: route.legacyCluster, counted: [route.legacyCluster] };
    case 'migrating':
      return { system: `${route.legacyCluster}+${PACER_SYSTEM}`, counted: [route.legacyCluster, PACER_SYSTEM] };
  }
}

/** A queue without a routing record: served from the one system that holds it. */
export function servingOfHolder(holder: string): BacklogServing {
  return { system: holder, counted: [holder] };
}
