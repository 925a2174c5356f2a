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
  close(): Promise<void>;
}

export function endpointKey(e: BrokerEndpoint): string {
  return `${e.host}:${e.port}`;
}
