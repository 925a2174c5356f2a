/**
 * What a coordinator (static config today, the ZooKeeper participant next) drives on a broker.
 * `assign` = Helix OFFLINE→ONLINE, `release` = ONLINE→OFFLINE.
 */
export interface PartitionOwnership {
  /**
   * Takes exclusive ownership of (queue, partition) and starts serving it. The datastore epoch of
   * the partition becomes `epoch` when given (rejected with `StaleEpochError` unless greater than
   * the stored one) or the stored epoch + 1. Resolves with the epoch now owned.
   */
  assign(queue: string, partition: number, epoch?: number): Promise<number>;
  /** Stops serving (queue, partition): buffered unclaimed jobs simply stay pending in MySQL. */
  release(queue: string, partition: number): Promise<void>;
  /**
   * Stops serving every owned partition at once without releasing any (the coordinator lost its
   * connection and cannot tell whether it still owns them). Dequeues answer "not owned".
   */
  suspend(): void;
  /** Serves the owned partitions again (the coordinator's session is known to be intact). */
  resume(): void;
  /** Partitions currently owned, as `queue/partition` → epoch. */
  owned(): Map<string, number>;
}
