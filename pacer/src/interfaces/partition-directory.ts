/**
 * Where each queue partition is served: partition → broker routing for the stateless API.
 *
 * This issue ships a static implementation (`StaticPartitionDirectory`); the next one replaces it
 * with a ZooKeeper (Helix-style external view) implementation. Implementations must be cheap to
 * query on every request (serve from memory) and call `onChange` listeners after the mapping moved.
 */
export interface BrokerEndpoint {
  host: string;
  port: number;
}

export interface PartitionDirectory {
  /** The broker currently serving (queue, partition), or `undefined` when none is known. */
  brokerFor(queue: string, partition: number): BrokerEndpoint | undefined;
  /** Registers a listener for mapping changes; returns the function that unregisters it. */
  onChange(listener: () => void): () => void;
  /**
   * Optional: re-read the mapping now, because a dequeue found a partition without an owner or a
   * broker refused one it no longer owns. Resolves once a read that started at or after `sinceMs`
   * is applied, or at once when nothing newer can be read; never rejects (callers bound the wait).
   */
  refresh?(sinceMs?: number): Promise<void>;
  close(): Promise<void>;
}

export function endpointKey(e: BrokerEndpoint): string {
  return `${e.host}:${e.port}`;
}
