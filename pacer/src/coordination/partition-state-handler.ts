/**
 * What a participant (a dequeue broker) does on OnlineOffline transitions. The broker implements
 * it: OFFLINE→ONLINE takes a new owner epoch and starts prefetching and serving the partition;
 * ONLINE→OFFLINE stops serving and drops the partition's buffer (those jobs stay pending in the
 * datastore).
 */
export interface PartitionStateHandler {
  onBecomeOnline(queue: string, partition: number): Promise<void>;
  onBecomeOffline(queue: string, partition: number): Promise<void>;
  /**
   * The ZooKeeper session is gone or may be gone (expired, disconnected too long, or the process
   * was paused): stop serving EVERY partition at once, synchronously. The participant then
   * rejoins with a new session and the controller assigns partitions afresh.
   */
  onSessionLost(): void;
  /**
   * The connection to ZooKeeper dropped: the session may already be gone (another broker may be
   * getting these partitions), so stop serving every partition at once, synchronously, but keep
   * them: `onSessionResumed` follows if the same session reconnects, `onSessionLost` otherwise.
   */
  onSessionSuspended(): void;
  /** The same session reconnected (so no partition was reassigned): serve again. */
  onSessionResumed(): void;
}
