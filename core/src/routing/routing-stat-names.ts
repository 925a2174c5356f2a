/** Stats of the routing backend (one catalogue; /stats.txt names, scripts/stat-names.spec.ts). */
export const routingStatNames = {
  /** Queues found by discovery (no routing record) per call. */
  discoveredRoutes: 'PinLaterRouting.discovered_routes',
  /** Calls refused because the queue exists in more than one system and has no record. */
  ambiguousQueues: 'PinLaterRouting.ambiguous_queue_refused',
  /** Re-reads of every backend's queue list (discovery). */
  queueIndexRefreshes: 'PinLaterRouting.queue_index_refreshes',
  /** Routing records created by this gateway for queues it created. */
  recordsCreated: 'PinLaterRouting.records_created',
  /** Dequeues of a migrating queue where one side failed and the other was served alone. */
  migratingDequeueSideFailures: 'PinLaterRouting.migrating_dequeue_side_failures',
  /** Lookups on a legacy cluster a queue left (now on Pacer) that failed and were answered "not found" (then the move ledger). */
  leftClusterLookupFailures: 'PinLaterRouting.left_cluster_lookup_failures',
} as const;
