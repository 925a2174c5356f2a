import type { PacerBackend } from '../api/pacer-backend';
import type { ClusteredPacerBackend } from '../api/clustered-pacer-backend';
import { createEmbeddedPacerBackend } from './embedded-topology';
import { createStaticPacerBackend } from './static-topology';
import { createClusteredPacerBackend } from './zookeeper-topology';
import type { PacerBackendOptions } from './pacer-backend-options';

/**
 * Pacer's stateless API behind the PinLater backend contract, in the topology `options.topology`
 * names. A ZooKeeper topology returns the clustered backend (queue lifecycle through ideal states,
 * dequeue-routing health).
 */
export function createPacerBackend(options: PacerBackendOptions & { topology: { mode: 'zookeeper' } }): Promise<ClusteredPacerBackend>;
export function createPacerBackend(options: PacerBackendOptions): Promise<PacerBackend>;
export function createPacerBackend(options: PacerBackendOptions): Promise<PacerBackend> {
  const { topology, ...core } = options;
  switch (topology.mode) {
    case 'embedded':
      return createEmbeddedPacerBackend(core, topology);
    case 'static':
      return createStaticPacerBackend(core, topology);
    case 'zookeeper':
      return createClusteredPacerBackend(core, topology);
  }
}
