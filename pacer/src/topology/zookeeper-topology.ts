import { ClusteredPacerBackend } from '../api/clustered-pacer-backend';
import { DequeueRoutingHealth } from '../api/dequeue-routing-health';
import { PartitionOwnerWatch } from '../api/partition-owner-watch';
import { ZkClusterRouting } from '../coordination/zk-cluster-routing';
import { ThriftBrokerClient } from '../rpc/thrift-broker-client';
import { backendDeps, closePacerCore, openPacerCore } from './pacer-core';
import { PACER_DEFAULTS, type PacerCoreOptions, type ZookeeperTopology } from './pacer-backend-options';

/**
 * Pacer as deployed: routing follows the cluster's external view in ZooKeeper (brokers' endpoints
 * from their instance configs), brokers are called over Thrift, and every queue of the registry
 * is made an ideal-state resource before the backend is returned.
 */
export async function createClusteredPacerBackend(options: PacerCoreOptions, topology: ZookeeperTopology): Promise<ClusteredPacerBackend> {
  const core = await openPacerCore(options);
  let routing: ZkClusterRouting;
  try {
    routing = await ZkClusterRouting.open({
      zkConnect: topology.connect, cluster: topology.cluster ?? PACER_DEFAULTS.cluster, logger: core.logger, clock: core.clock,
      ...(topology.sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: topology.sessionTimeoutMs }),
    });
  } catch (e) {
    await closePacerCore(core);
    throw e;
  }
  const brokers = new ThriftBrokerClient(topology.brokerCallTimeoutMs ?? PACER_DEFAULTS.brokerCallTimeoutMs);
  const routingHealth = new DequeueRoutingHealth(core.clock);
  const owners = new PartitionOwnerWatch(routing, core.clock, {
    graceMs: topology.readinessGraceMs ?? PACER_DEFAULTS.readinessGraceMs, staleLimitMs: routing.sessionTimeoutMs,
  });
  const closeTopology = async (): Promise<void> => {
    owners.close();
    await brokers.close();
    await routing.close();
  };
  const backend = new ClusteredPacerBackend({ ...backendDeps(core, { directory: routing, brokers, routingHealth, closeTopology }), routing, routingHealth, owners });
  try {
    await backend.syncQueues();
  } catch (e) {
    await backend.close();
    throw e;
  }
  return backend;
}
