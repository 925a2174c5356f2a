/**
 * Pacer cluster coordination against a real ZooKeeper (in-process controllers and participants,
 * a fresh chroot per test): balanced assignment, failover without double-serving, leader
 * failover, join stickiness, rolling restart, forced session expiry, queue changes, delayed
 * rebalance. The ownership ledger checks the single-owner invariant on every transition, and a
 * poller checks that no partition is ever ONLINE on two live instances in the external view.
 */
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { addQueue, removeQueue, setQueuePartitions } from '../../pacer/src/coordination/cluster-setup';
import { readRecord } from '../../pacer/src/coordination/record-store';
import { countsPerQueue, expectFullyServed, ownersSnapshot, SESSION_TIMEOUT_MS, TestCluster } from './pacer-cluster/harness';

jest.setTimeout(90_000);

const QUEUES = { alpha: 8, beta: 5 };
const WAIT = { timeoutMs: 15_000, intervalMs: 50 };

let cluster: TestCluster | undefined;

async function startCluster(participants: string[], settings = {}): Promise<TestCluster> {
  const c = await TestCluster.create(settings);
  cluster = c;
  for (const [q, n] of Object.entries(QUEUES)) await addQueue(c.admin, c.paths, q, { numPartitions: n });
  await c.addController('controller-a');
  await c.addController('controller-b');
  for (const p of participants) await c.addParticipant(p);
  c.startExternalViewChecks();
  await eventually(async () => {
    await expectFullyServed(c, QUEUES, participants);
    expectBalanced(c, participants);
  }, WAIT);
  return c;
}

function expectBalanced(c: TestCluster, instances: string[]): void {
  for (const [q, n] of Object.entries(QUEUES)) {
    const counts = countsPerQueue(c, q, n, instances);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  }
}

/** A running participant of the cluster and its current ZooKeeper session. */
function liveParticipant(c: TestCluster, name: string) {
  const entry = c.participants.get(name);
  const zk = entry?.participant.zkSession();
  if (!entry || !zk) throw new Error(`${name} is not running`);
  return { entry, zk };
}

function expectNoDoubleServing(c: TestCluster): void {
  expect(c.ledger.violations).toEqual([]);
  expect(c.evViolations).toEqual([]);
}

afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});
afterAll(assertNoLeaks);

describe('pacer cluster (Helix model over ZooKeeper)', () => {
  it('sets up the Helix layout, elects one leader and serves every partition once, balanced', async () => {
    const c = await startCluster(['broker-0', 'broker-1', 'broker-2']);
    expectBalanced(c, ['broker-0', 'broker-1', 'broker-2']);
    expect(c.controllers.filter((x) => x.member.isLeader())).toHaveLength(1);
    const leader = await readRecord(c.admin, c.paths.controllerLeader());
    expect(leader?.record.simpleFields.SESSION_ID).toBe(c.leader()?.session()?.sessionId());
    const history = await readRecord(c.admin, c.paths.controllerHistory());
    expect(history?.record.listFields.HISTORY?.length).toBe(1);
    const is = await readRecord(c.admin, c.paths.idealState('alpha'));
    expect(is?.record.simpleFields).toMatchObject({ NUM_PARTITIONS: '8', REPLICAS: '1', REBALANCE_MODE: 'FULL_AUTO', STATE_MODEL_DEF_REF: 'OnlineOffline' });
    const sm = await readRecord(c.admin, c.paths.stateModelDef());
    expect(sm?.record.simpleFields.INITIAL_STATE).toBe('OFFLINE');
    const live = await readRecord(c.admin, c.paths.liveInstance('broker-0'));
    expect(live?.ephemeralOwner).toBe(c.participants.get('broker-0')?.participant.sessionId());
    const session = c.participants.get('broker-1')?.participant.sessionId() ?? '';
    const cs = await readRecord(c.admin, c.paths.currentState('broker-1', session, 'alpha'));
    expect(Object.values(cs?.record.mapFields ?? {}).some((f) => f.CURRENT_STATE === 'ONLINE')).toBe(true);
    await eventually(async () => expect((await c.admin.children(c.paths.messages('broker-2'))).length).toBe(0), WAIT);
    expectNoDoubleServing(c);
  });

  it('moves only a dead broker\'s partitions, to the survivors, without double-serving', async () => {
    const c = await startCluster(['broker-0', 'broker-1', 'broker-2']);
    const before = ownersSnapshot(c);
    const victims = c.ledger.partitionsOf('broker-1');
    await c.killParticipant('broker-1');
    await eventually(() => expectFullyServed(c, QUEUES, ['broker-0', 'broker-2']), WAIT);
    expectBalanced(c, ['broker-0', 'broker-2']);
    for (const [p, owner] of before) if (owner !== 'broker-1') expect(c.ledger.servedBy.get(p)).toBe(owner);
    expect(victims.length).toBeGreaterThan(0);
    expectNoDoubleServing(c);
  });

  it('fails over the leader controller within the session timeout and keeps assigning', async () => {
    const c = await startCluster(['broker-0', 'broker-1', 'broker-2']);
    const old = c.leader();
    const zk = old?.session();
    if (!old || !zk) throw new Error('no leader');
    const t0 = Date.now();
    await c.expireSession(zk);
    await eventually(() => expect(c.controllers.find((x) => x.member.isLeader() && x.member !== old)).toBeDefined(), WAIT);
    expect(Date.now() - t0).toBeLessThan(SESSION_TIMEOUT_MS + 2000);
    await c.killParticipant('broker-0');
    await eventually(() => expectFullyServed(c, QUEUES, ['broker-1', 'broker-2']), WAIT);
    const history = await readRecord(c.admin, c.paths.controllerHistory());
    expect(history?.record.listFields.HISTORY?.length).toBe(2);
    expectNoDoubleServing(c);
  });

  it('a joining broker takes only the partitions it must (sticky), and balance holds', async () => {
    const c = await startCluster(['broker-0', 'broker-1', 'broker-2']);
    const before = ownersSnapshot(c);
    await c.addParticipant('broker-3');
    const all = ['broker-0', 'broker-1', 'broker-2', 'broker-3'];
    await eventually(async () => {
      await expectFullyServed(c, QUEUES, all);
      expectBalanced(c, all);
    }, WAIT);
    let moved = 0;
    for (const [p, owner] of before) if (c.ledger.servedBy.get(p) !== owner) moved++;
    expect(moved).toBe(c.ledger.partitionsOf('broker-3').length);
    expect(moved).toBe(Math.floor(8 / 4) + Math.floor(5 / 4));
    expectNoDoubleServing(c);
  });

  it('survives a rolling restart with graceful drains, one broker at a time', async () => {
    const names = ['broker-0', 'broker-1', 'broker-2'];
    const c = await startCluster(names);
    for (const name of names) {
      const entry = c.participants.get(name);
      if (!entry) throw new Error(name);
      expect(await entry.participant.drain(10_000)).toBe(true);
      await eventually(() => expectFullyServed(c, QUEUES, names.filter((n) => n !== name)), WAIT);
      await entry.participant.close();
      await entry.sessions.close();
      c.participants.delete(name);
      await c.addParticipant(name);
      await eventually(async () => {
        await expectFullyServed(c, QUEUES, names);
        expectBalanced(c, names);
      }, WAIT);
    }
    expectNoDoubleServing(c);
  });

  it('a broker whose session expires stops serving at once, rejoins, and gets partitions back', async () => {
    const names = ['broker-0', 'broker-1', 'broker-2'];
    const c = await startCluster(names);
    const { entry, zk } = liveParticipant(c, 'broker-2');
    const oldSession = zk.sessionId();
    await c.expireSession(zk);
    await eventually(() => expect(entry.handler.sessionLosses).toBe(1), WAIT);
    // It stopped serving at the disconnection, before it learnt of the expiry.
    expect(entry.handler.sessionSuspensions).toBe(1);
    await eventually(async () => {
      expect(entry.participant.sessionId()).toBeDefined();
      expect(entry.participant.sessionId()).not.toBe(oldSession);
      await expectFullyServed(c, QUEUES, names);
      expectBalanced(c, names);
    }, WAIT);
    const sessions = await c.admin.children(c.paths.currentStates('broker-2'));
    expect(sessions).toEqual([entry.participant.sessionId()]);
    expectNoDoubleServing(c);
  });

  it('a broker that briefly loses its ZooKeeper connection stops serving, then serves the same partitions again in the same session', async () => {
    const names = ['broker-0', 'broker-1', 'broker-2'];
    const c = await startCluster(names);
    const { entry, zk } = liveParticipant(c, 'broker-1');
    const session = zk.sessionId();
    const mine = c.ledger.partitionsOf('broker-1');
    c.setConnectionCut(zk, true);
    await eventually(() => expect(entry.handler.sessionSuspensions).toBe(1), WAIT);
    expect(c.ledger.partitionsOf('broker-1')).toEqual([]); // nothing served while disconnected
    c.setConnectionCut(zk, false); // well within the suspend bound (2/3 of the session timeout)
    await eventually(() => expect(c.ledger.partitionsOf('broker-1')).toEqual(mine), WAIT);
    expect(entry.participant.sessionId()).toBe(session);
    expect(entry.handler.sessionLosses).toBe(0);
    await expectFullyServed(c, QUEUES, names);
    expectNoDoubleServing(c);
  });

  it('queue creation, partition-count changes and deletion flow through ideal states', async () => {
    const names = ['broker-0', 'broker-1'];
    const c = await startCluster(names);
    await addQueue(c.admin, c.paths, 'gamma', { numPartitions: 3 });
    await eventually(() => expectFullyServed(c, { ...QUEUES, gamma: 3 }, names), WAIT);
    await setQueuePartitions(c.admin, c.paths, 'gamma', 5);
    await eventually(() => expectFullyServed(c, { ...QUEUES, gamma: 5 }, names), WAIT);
    await setQueuePartitions(c.admin, c.paths, 'gamma', 2);
    await eventually(async () => {
      await expectFullyServed(c, { ...QUEUES, gamma: 2 }, names);
      expect([...c.ledger.servedBy.keys()].filter((p) => p.startsWith('gamma_')).sort()).toEqual(['gamma_0', 'gamma_1']);
    }, WAIT);
    await removeQueue(c.admin, c.paths, 'gamma');
    await eventually(async () => {
      expect([...c.ledger.servedBy.keys()].filter((p) => p.startsWith('gamma_'))).toEqual([]);
      expect(await c.admin.exists(c.paths.externalView('gamma'))).toBeNull();
      const session = c.participants.get('broker-0')?.participant.sessionId() ?? '';
      const cs = await readRecord(c.admin, c.paths.currentState('broker-0', session, 'gamma'));
      expect(Object.keys(cs?.record.mapFields ?? {})).toEqual([]);
    }, WAIT);
    expectNoDoubleServing(c);
  });

  it('delayed rebalance: a broker back within the delay gets its own partitions, with no moves', async () => {
    const names = ['broker-0', 'broker-1', 'broker-2'];
    const c = await startCluster(names, { delayRebalanceMs: 6000 });
    const mine = c.ledger.partitionsOf('broker-1');
    await c.killParticipant('broker-1');
    await eventually(async () => {
      const history = await readRecord(c.admin, c.paths.instanceHistory('broker-1'));
      expect(Number(history?.record.simpleFields.LAST_OFFLINE_TIME)).toBeGreaterThan(0);
    }, WAIT);
    for (const p of mine) expect(c.ledger.servedBy.get(p)).toBeUndefined();
    await c.addParticipant('broker-1');
    await eventually(() => expectFullyServed(c, QUEUES, names), WAIT);
    expect(c.ledger.partitionsOf('broker-1')).toEqual(mine);
    expectNoDoubleServing(c);
  });

  it('delayed rebalance: after the delay the partitions move to the survivors', async () => {
    const c = await startCluster(['broker-0', 'broker-1', 'broker-2'], { delayRebalanceMs: 1500 });
    const t0 = Date.now();
    await c.killParticipant('broker-2');
    await eventually(() => expectFullyServed(c, QUEUES, ['broker-0', 'broker-1']), WAIT);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1400);
    expectNoDoubleServing(c);
  });
});
