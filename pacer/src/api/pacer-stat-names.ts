/**
 * Stats Pacer's client-facing API emits in the gateway (counters, in `/stats.txt`), in one place for
 * the API, dashboards and runbooks (runbooks/pacer-cluster-status-and-failover.md). Pacer also
 * counts `<queue>_checkpoint_noop` under PinLater's name (`backendStatNames.checkpointNoop`).
 */
export const pacerStatNames = {
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
  /** "Jobs are pending" notifications a broker did not take; its safety sweep finds the jobs later. */
  notifyFailed: 'pacer-notify-failed',
  /** Acks no broker could take (no owner known, unreachable), written by the API itself (store-acks.ts). */
  acksWithoutBroker: 'pacer-acks-without-broker',
  /** Success acks of jobs this API served, written by it as their broker claimed them (by lease or per job; direct-acks.ts). */
  directAcks: 'pacer-acks-direct',
  /** Success acks whose direct write found the job no longer open under the claim served, sent to the broker instead. */
  directAcksRouted: 'pacer-acks-direct-routed',
  /** Lease mode: acked jobs the API did not tell their broker about (no owner known, notices at their bound, a notice failed); the broker's held-lease sweep finds them. */
  settledNoticeDropped: 'pacer-settled-notice-dropped',
  /** Body-regex count/scan/delete statements stopped by their time limit (`bodyRegexTimeoutMs`). */
  bodyRegexTimeout: 'pacer-body-regex-timeout',
} as const;
