import { createDequeueBroker } from '../broker/create-dequeue-broker';
import { PacerBackend } from '../api/pacer-backend';
import { InProcessBrokerClient } from '../api/in-process-broker-client';
import { StaticPartitionDirectory } from '../api/static-partition-directory';
import { backendDeps, closePacerCore, openPacerCore } from './pacer-core';
import type { EmbeddedTopology, PacerCoreOptions } from './pacer-backend-options';

/** Where the in-process broker "listens": a name for the directory, never a socket. */
const EMBEDDED_ENDPOINT = { host: 'in-process', port: 0 };

/**
 * Pacer with its dequeue broker in this process: the broker shares the pool, owns every partition
 * on demand, is called in-process, and closes with the backend. Its monitor timer runs when
 * `monitor.enabled` is set.
 */
export async function createEmbeddedPacerBackend(options: PacerCoreOptions, topology: EmbeddedTopology): Promise<PacerBackend> {
  const core = await openPacerCore(options);
  const broker = createDequeueBroker({
    brokerId: topology.brokerId ?? `embedded-${process.pid}-${Math.floor(Math.random() * 1e9)}`,
    mysql: { pool: core.pool }, autoAssign: true, clock: core.clock, logger: core.logger, monitor: core.monitor,
    ...(topology.buffer === undefined ? {} : { buffer: topology.buffer }),
    ...(topology.safetySweepMs === undefined ? {} : { safetySweepMs: topology.safetySweepMs }),
    ...(core.options.claims === undefined ? {} : { claims: core.options.claims }),
  });
  const brokers = new InProcessBrokerClient();
  brokers.register(EMBEDDED_ENDPOINT, broker);
  const directory = new StaticPartitionDirectory({ fallback: EMBEDDED_ENDPOINT });
  const closeTopology = async (): Promise<void> => {
    await broker.close();
    await brokers.close();
    await directory.close();
  };
  try {
    return new PacerBackend(backendDeps(core, { directory, brokers, closeTopology }));
  } catch (e) {
    await closePacerCore(core, closeTopology);
    throw e;
  }
}
