/**
 * The gateway's routing table over a cluster's external views (`ZkPartitionDirectory`), against a
 * real ZooKeeper (fresh chroot), with the external views written directly (no controller):
 *
 * - one external view changing costs the directory the same few reads with 5 and with 300 views
 *   (every gateway of a fleet holds this table; a whole re-read per change grows with the fleet);
 * - what a change touches is applied: a partition moving, a view removed, an owner's endpoint
 *   changing, an owner's session ending.
 */
import pino from 'pino';
import { addInstance } from '../../pacer/src/coordination/cluster-setup';
import { liveInstanceRecord } from '../../pacer/src/coordination/helix-records';
import { partitionName } from '../../pacer/src/coordination/helix-paths';
import { ZkPartitionDirectory } from '../../pacer/src/coordination/zk-partition-directory';
import { newRecord, serializeRecord } from '../../pacer/src/coordination/zn-record';
import { systemClock } from '../../core/src/util/clock';
import type { ZkClient } from '../../core/src/zookeeper/zk-client';
import { ZkSessionManager } from '../../core/src/zookeeper/zk-session-manager';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { TestCluster } from './pacer-cluster/harness';

jest.setTimeout(60_000);
afterAll(assertNoLeaks);

const logger = pino({ level: 'silent' });

function view(resource: string, partitions: number, owner: string): Buffer {
  const r = newRecord(resource);
  r.simpleFields.NUM_PARTITIONS = String(partitions);
  for (let n = 0; n < partitions; n++) r.mapFields[partitionName(resource, n)] = { [owner]: 'ONLINE' };
  return serializeRecord(r);
}

describe('partition directory', () => {
  let c: TestCluster;
  let sessions: ZkSessionManager;
  let client: ZkClient | undefined;
  let directory: ZkPartitionDirectory;

  beforeEach(async () => {
    c = await TestCluster.create();
    for (const [name, port] of [['broker-a', 9101], ['broker-b', 9102]] as const) {
      await addInstance(c.admin, c.paths, name, { host: '127.0.0.1', port });
      await c.admin.create(c.paths.liveInstance(name), serializeRecord(liveInstanceRecord(name, `${name}-session`)), 'ephemeral');
    }
    sessions = new ZkSessionManager({ name: 'directory-test', clock: systemClock, logger, connect: async () => (client = await c.connect()) });
    await sessions.start();
  });

  afterEach(async () => {
    await directory.close();
    await sessions.close();
    await c.close();
  });

  async function openWith(views: number): Promise<void> {
    for (let q = 0; q < views; q++) await c.admin.create(c.paths.externalView(`q${q}`), view(`q${q}`, 2, 'broker-a'));
    directory = await ZkPartitionDirectory.open({ sessions, cluster: 'pacer', clock: systemClock, logger });
    expect(directory.brokerFor(`q${views - 1}`, 1)?.port).toBe(9101);
  }

  /** Reads the directory's session made to see q0's partitions move to broker-b. */
  async function readsForOneChange(): Promise<number> {
    const before = client?.counters().reads ?? 0;
    await c.admin.set(c.paths.externalView('q0'), view('q0', 2, 'broker-b'));
    await eventually(() => expect(directory.brokerFor('q0', 1)?.port).toBe(9102), { timeoutMs: 5000, intervalMs: 5 });
    return (client?.counters().reads ?? 0) - before;
  }

  it('reads only the changed view: the same cost with 5 and 300 views', async () => {
    await openWith(5);
    const small = await readsForOneChange();
    await directory.close();
    for (let q = 5; q < 300; q++) await c.admin.create(c.paths.externalView(`q${q}`), view(`q${q}`, 2, 'broker-a'));
    await c.admin.set(c.paths.externalView('q0'), view('q0', 2, 'broker-a'));
    directory = await ZkPartitionDirectory.open({ sessions, cluster: 'pacer', clock: systemClock, logger });
    const large = await readsForOneChange();
    expect(small).toBeLessThanOrEqual(5);
    expect(large).toBeLessThanOrEqual(small + 2);
  });

  it('applies a view removed, an endpoint changed and an owner gone', async () => {
    await openWith(3);
    await c.admin.delete(c.paths.externalView('q1'));
    await eventually(() => expect(directory.brokerFor('q1', 0)).toBeUndefined(), { timeoutMs: 5000 });
    expect(directory.partitionCount('q1')).toBe(0);
    await addInstance(c.admin, c.paths, 'broker-a', { host: '127.0.0.1', port: 9199 });
    await eventually(() => expect(directory.brokerFor('q2', 0)?.port).toBe(9199), { timeoutMs: 5000 });
    await c.admin.delete(c.paths.liveInstance('broker-a'));
    await eventually(() => expect(directory.brokerFor('q2', 0)).toBeUndefined(), { timeoutMs: 5000 });
    expect(directory.partitionCount('q2')).toBe(2);
  });
});
