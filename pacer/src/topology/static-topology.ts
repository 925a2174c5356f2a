import { PacerBackend } from '../api/pacer-backend';
import { ThriftBrokerClient } from '../rpc/thrift-broker-client';
import { backendDeps, openPacerCore } from './pacer-core';
import { PACER_DEFAULTS, type PacerCoreOptions, type StaticTopology } from './pacer-backend-options';

/**
 * Pacer with brokers in other processes at fixed addresses: dequeues go to the broker the
 * caller's directory names for each partition. The directory stays the caller's to close unless
 * `ownsDirectory` hands it over; the broker client (default Thrift) closes with the backend.
 */
export async function createStaticPacerBackend(options: PacerCoreOptions, topology: StaticTopology): Promise<PacerBackend> {
  const core = await openPacerCore(options);
  const brokers = topology.brokerClient ?? new ThriftBrokerClient(topology.brokerCallTimeoutMs ?? PACER_DEFAULTS.brokerCallTimeoutMs);
  const closeTopology = async (): Promise<void> => {
    await brokers.close();
    if (topology.ownsDirectory === true) await topology.directory.close();
  };
  return new PacerBackend(backendDeps(core, { directory: topology.directory, brokers, closeTopology }));
}
