/**
 * How a participant reports a batch of transitions (pacer/src/coordination/participant.ts), on a
 * real ZooKeeper, with messages written by the test (no controller): it is the only writer of its
 * session's CURRENTSTATES nodes, so it merges a report into the record it last wrote there instead
 * of reading the node again (a fleet's rebalance sends it thousands of messages in batches), and a
 * node changed behind its back is caught by the compare-and-set and read again.
 */
import { systemClock } from '../../core/src/util/clock';
import { worldAcl } from '../../core/src/zookeeper/zk-acl';
import { addQueue } from '../../pacer/src/coordination/cluster-setup';
import { transitionMessage } from '../../pacer/src/coordination/helix-message';
import { PartitionState } from '../../pacer/src/coordination/helix-records';
import { partitionName } from '../../pacer/src/coordination/helix-paths';
import type { HelixParticipant } from '../../pacer/src/coordination/participant';
import { readRecord } from '../../pacer/src/coordination/record-store';
import { cloneRecord, serializeRecord } from '../../pacer/src/coordination/zn-record';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { TestCluster } from './pacer-cluster/harness';

jest.setTimeout(60_000);

const QUEUE = 'reported';
const INSTANCE = 'broker-0';

let cluster: TestCluster;
let participant: HelixParticipant;

beforeEach(async () => {
  cluster = await TestCluster.create();
  await addQueue(cluster.admin, cluster.paths, QUEUE, { numPartitions: 4 });
  participant = await cluster.addParticipant(INSTANCE);
});

afterEach(async () => {
  await cluster.close();
});

afterAll(assertNoLeaks);

/** Sends the participant OFFLINE → ONLINE for one partition of the queue, as a controller would. */
async function bringOnline(n: number): Promise<void> {
  const message = transitionMessage({
    srcName: 'test-controller',
    srcSessionId: cluster.admin.sessionId(),
    tgtName: INSTANCE,
    tgtSessionId: participant.sessionId() ?? '',
    resource: QUEUE,
    partition: partitionName(QUEUE, n),
    fromState: PartitionState.OFFLINE,
    toState: PartitionState.ONLINE,
    nowMs: systemClock.nowMs(),
  });
  await cluster.admin.create(cluster.paths.message(INSTANCE, message.id), serializeRecord(message));
}

function currentStatePath(): string {
  return cluster.paths.currentState(INSTANCE, participant.sessionId() ?? '', QUEUE);
}

async function reportedStates(): Promise<Record<string, string | undefined>> {
  const found = await readRecord(cluster.admin, currentStatePath());
  return Object.fromEntries(Object.entries(found?.record.mapFields ?? {}).map(([p, fields]) => [p, fields.CURRENT_STATE]));
}

async function waitOnline(...ns: number[]): Promise<void> {
  const want = Object.fromEntries(ns.map((n) => [partitionName(QUEUE, n), PartitionState.ONLINE]));
  await eventually(async () => expect(await reportedStates()).toEqual(want), { timeoutMs: 15_000 });
}

describe('a participant reporting its transitions', () => {
  it('merges a later batch into the current state it wrote without reading the node back (the node is made write-only)', async () => {
    await bringOnline(0);
    await waitOnline(0);
    const path = currentStatePath();
    // From here the participant may write its current-state node but not read it.
    await cluster.admin.setAcl(path, [worldAcl(['write', 'admin'])]);
    await bringOnline(1);
    await eventually(async () => expect(await cluster.admin.children(cluster.paths.messages(INSTANCE))).toEqual([]), { timeoutMs: 15_000 });
    await cluster.admin.setAcl(path, [worldAcl(['read', 'write', 'create', 'delete', 'admin'])]);
    expect(await reportedStates()).toEqual({ [partitionName(QUEUE, 0)]: PartitionState.ONLINE, [partitionName(QUEUE, 1)]: PartitionState.ONLINE });
    expect(participant.onlinePartitions()).toEqual([partitionName(QUEUE, 0), partitionName(QUEUE, 1)]);
  });

  it('reads the node again when it changed behind its back (compare-and-set), and keeps what the change added', async () => {
    await bringOnline(0);
    await waitOnline(0);
    const path = currentStatePath();
    const found = await readRecord(cluster.admin, path);
    if (!found) throw new Error('no current state');
    const changed = cloneRecord(found.record);
    changed.simpleFields.NOTE = 'written by someone else';
    await cluster.admin.set(path, serializeRecord(changed), found.version);
    await bringOnline(1);
    await waitOnline(0, 1);
    expect((await readRecord(cluster.admin, path))?.record.simpleFields.NOTE).toBe('written by someone else');
  });
});
