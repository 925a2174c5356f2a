import { parseEndpoint as parseHostPort } from '../../../core/src/config/endpoint';
import type { BrokerEndpoint, PartitionDirectory } from '../interfaces/partition-directory';

/** One routing rule: these partitions of this queue (all partitions when omitted) → endpoint. */
export interface StaticRoute {
  queue: string;
  partitions?: number[];
  endpoint: BrokerEndpoint;
}

export interface StaticDirectoryConfig {
  routes?: StaticRoute[];
  /** Broker for everything no route names. */
  fallback?: BrokerEndpoint;
}

/**
 * Partition → broker routing from configuration (this issue); replaced by the ZooKeeper external
 * view next. `update()` swaps the whole mapping and tells listeners.
 */
export class StaticPartitionDirectory implements PartitionDirectory {
  private config: StaticDirectoryConfig;
  private readonly listeners = new Set<() => void>();

  constructor(config: StaticDirectoryConfig) {
    this.config = config;
  }

  brokerFor(queue: string, partition: number): BrokerEndpoint | undefined {
    for (const r of this.config.routes ?? []) {
      if (r.queue === queue && (r.partitions === undefined || r.partitions.includes(partition))) return r.endpoint;
    }
    return this.config.fallback;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  update(config: StaticDirectoryConfig): void {
    this.config = config;
    for (const l of [...this.listeners]) l();
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

/** Parses a broker's `host:port` with core's endpoint parser (core/src/config/endpoint.ts); throws EndpointError. */
export function parseEndpoint(text: string): BrokerEndpoint {
  return parseHostPort(text, 'broker endpoint');
}
