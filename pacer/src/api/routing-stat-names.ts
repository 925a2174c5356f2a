/**
 * Gateway stats of dequeue routing over Pacer brokers (counters, in `/stats.txt`), in one place for
 * the router, dashboards and runbooks (runbooks/pacer-cluster-status-and-failover.md).
 */
export const routingStatNames = {
  /** Partitions a broker refused because it does not own them (stale view, hand-off, suspended broker). */
  partitionNotOwned: 'pacer-dequeue-partition-not-owned',
  /** Broker calls that failed to connect or timed out. */
  brokerUnreachable: 'pacer-broker-unreachable',
  /** Dequeues that asked for a fresh routing view after a partition had no owner or was refused. */
  viewRefresh: 'pacer-dequeue-view-refresh',
  /** Partitions served on a second try, after the fresh view named a new owner. */
  rerouted: 'pacer-dequeue-rerouted-partitions',
  /** Visited partitions nobody could serve, even after the refresh. */
  unservable: 'pacer-dequeue-unservable-partitions',
  /** Dequeues refused (NO_HEALTHY_SHARDS / SHARD_CONNECTION_FAILED) instead of answering "empty" while jobs were ready. */
  noHealthyShards: 'pacer-dequeue-no-healthy-shards',
} as const;
