/**
 * The controller at fleet scale (issue 15): its cluster data is a cache refreshed by ZooKeeper
 * watches and its pipeline works on what changed, so what one change costs it follows the change,
 * not the cluster. Real ZooKeeper (fresh chroot), in-process controller and participants.
 *
 * - ZooKeeper reads and resources examined per queue creation stay the same when the cluster grows
 *   from 5 to 125 queues (a whole-cluster read per run grows with every queue);
 * - a participant's "report the transition, delete its message" multi is never seen half: a
 *   snapshot that no longer holds the message holds the new current state, even when the current
 *   state's own watch event comes late (else the pipeline would send the transition again);
 * - the safety net: a node the controller only writes (an external view) removed behind its back
 *   is written again after `fullReadMs`, and not before;
 * - a burst bigger than one ZooKeeper request (1,600 partitions to bring ONLINE in one run, about
 *   1.3 MB of messages) is sent in several multis and handled by the participant in batches.
 */
import { addInstance, addQueue } from '../../pacer/src/coordination/cluster-setup';
import { ClusterDataCache } from '../../pacer/src/coordination/cluster-data-cache';
import { HelixController } from '../../pacer/src/coordination/controller';
import { transitionMessage } from '../../pacer/src/coordination/helix-message';
import { liveInstanceRecord } from '../../pacer/src/coordination/helix-records';
import { partitionName } from '../../pacer/src/coordination/helix-paths';
import { readRecord } from '../../pacer/src/coordination/record-store';
import { newRecord, serializeRecord } from '../../pacer/src/coordination/zn-record';
import { systemClock } from '../../core/src/util/clock';
import type { ZkClient, ZkWatcher } from '../../core/src/zookeeper/zk-client';
import pino from 'pino';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { TestCluster } from './pacer-cluster/harness';

jest.setTimeout(120_000);
afterAll(assertNoLeaks);

const WAIT = { timeoutMs: 60_000, intervalMs: 20 };

async function served(c: TestCluster, queue: string, partitions: number): Promise<void> {
  const ev = await readRecord(c.admin, c.paths.externalView(queue));
  for (let n = 0; n < partitions; n++) {
    const states = ev?.record.mapFields[partitionName(queue, n)] ?? {};
    const online = Object.keys(states).filter((i) => states[i] === 'ONLINE');
    if (online.length !== 1) throw new Error(`${queue}_${n} ONLINE on [${online.join(',')}]`);
  }
}

interface Cost {
  readonly reads: number;
  readonly examined: number;
}

/** Creates `count` queues one at a time, each waited until served; the controller's reads and resources examined per creation. */
async function costPerCreation(c: TestCluster, controller: HelixController, prefix: string, count: number): Promise<Cost> {
  const zk = controller.session();
  if (!zk) throw new Error('controller has no session');
  const reads0 = zk.counters().reads;
  const examined0 = controller.counters().resourcesExamined;
  for (let q = 0; q < count; q++) {
    await addQueue(c.admin, c.paths, `${prefix}_${q}`, { numPartitions: 2 });
    await eventually(() => served(c, `${prefix}_${q}`, 2), WAIT);
  }
  return { reads: (zk.counters().reads - reads0) / count, examined: (controller.counters().resourcesExamined - examined0) / count };
}

describe('controller cluster data cache', () => {
  let c: TestCluster | undefined;
  afterEach(async () => {
    await c?.close();
    c = undefined;
  });

  it('costs the same ZooKeeper reads and resources examined per queue creation with 5 and with 125 queues', async () => {
    c = await TestCluster.create();
    const controller = await c.addController('controller-0');
    await c.addParticipant('broker-0');
    await c.addParticipant('broker-1');
    for (let q = 0; q < 5; q++) await addQueue(c.admin, c.paths, `base_${q}`, { numPartitions: 2 });
    for (let q = 0; q < 5; q++) await eventually(() => served(c as TestCluster, `base_${q}`, 2), WAIT);
    const small = await costPerCreation(c, controller, 'small', 3);
    for (let q = 0; q < 120; q++) await addQueue(c.admin, c.paths, `bulk_${q}`, { numPartitions: 2 });
    for (let q = 0; q < 120; q++) await eventually(() => served(c as TestCluster, `bulk_${q}`, 2), WAIT);
    const large = await costPerCreation(c, controller, 'large', 3);
    // A whole-cluster read costs about 5 reads per queue (ideal state, external view, a current
    // state per instance): 600 more reads per run with 120 more queues, several runs per creation.
    expect(large.reads).toBeLessThanOrEqual(small.reads * 1.5 + 10);
    expect(large.examined).toBeLessThanOrEqual(small.examined * 1.5 + 2);
    expect(large.examined).toBeLessThan(20);
  });

  it('never shows a message gone without the current state its participant wrote in the same multi', async () => {
    c = await TestCluster.create();
    const session = 'a1b2c3d4e5f60718';
    await addInstance(c.admin, c.paths, 'broker-x', { host: '127.0.0.1', port: 1 });
    await c.admin.create(c.paths.liveInstance('broker-x'), serializeRecord(liveInstanceRecord('broker-x', session)), 'ephemeral');
    await c.admin.mkdirp(c.paths.sessionCurrentStates('broker-x', session));
    const csPath = c.paths.currentState('broker-x', session, 'alpha');
    await c.admin.create(csPath, serializeRecord(currentState('OFFLINE')));
    const message = transitionMessage({ srcName: 'test', srcSessionId: '0', tgtName: 'broker-x', tgtSessionId: session, resource: 'alpha', partition: 'alpha_0', fromState: 'OFFLINE', toState: 'ONLINE', nowMs: 1 });
    const messagePath = c.paths.message('broker-x', message.id);
    await c.admin.create(messagePath, serializeRecord(message));
    let changes = 0;
    const cache = new ClusterDataCache(lateDataEvents(c.admin, csPath, 500), c.paths, () => changes++);
    const first = await cache.snapshot();
    expect(first.instances.get('broker-x')?.pendingMessages.map((m) => m.id)).toEqual([message.id]);
    // What a participant does: report ONLINE and delete the message, in one multi.
    await c.admin.multi([
      { op: 'set', path: csPath, data: serializeRecord(currentState('ONLINE')) },
      { op: 'delete', path: messagePath },
    ]);
    const seen = await eventually(async () => {
      const s = await cache.snapshot();
      const x = s.instances.get('broker-x');
      if (x?.pendingMessages.length !== 0) throw new Error('message still pending in the cache');
      return x;
    }, { timeoutMs: 5000, intervalMs: 5 });
    expect(seen.currentStates.alpha?.alpha_0?.state).toBe('ONLINE');
    expect(changes).toBeGreaterThan(0);
  });

  it('writes again, after fullReadMs, an external view removed behind its back', async () => {
    c = await TestCluster.create();
    const sessions = await c.sessionsFor('controller-net');
    const controller = new HelixController({ cluster: 'pacer', name: 'controller-net', sessions, clock: systemClock, logger: pino({ level: 'silent' }), periodicRunMs: 100, fullReadMs: 1500 });
    c.controllers.push({ name: 'controller-net', member: controller });
    await controller.start();
    await c.addParticipant('broker-0');
    await addQueue(c.admin, c.paths, 'alpha', { numPartitions: 2 });
    await eventually(() => served(c as TestCluster, 'alpha', 2), WAIT);
    await eventually(() => expect(controller.counters().fullReads).toBeGreaterThanOrEqual(1), WAIT);
    const fullReads = controller.counters().fullReads;
    await c.admin.delete(c.paths.externalView('alpha'));
    await eventually(() => served(c as TestCluster, 'alpha', 2), { timeoutMs: 10_000, intervalMs: 20 });
    // Only a whole read can bring it back: nothing watches a node only the controller writes.
    expect(controller.counters().fullReads).toBeGreaterThan(fullReads);
  });
});

describe('fleet-sized bursts', () => {
  let c: TestCluster | undefined;
  afterEach(async () => {
    await c?.close();
    c = undefined;
  });

  it('serves 1,600 partitions assigned in one run (more messages than one request may carry)', async () => {
    c = await TestCluster.create({ maxPartitionsInTransition: 2000 });
    const queues = Array.from({ length: 400 }, (_, q) => `burst_${q}`);
    for (const q of queues) await addQueue(c.admin, c.paths, q, { numPartitions: 4 });
    await c.addParticipant('broker-0');
    const controller = await c.addController('controller-0');
    await eventually(async () => {
      for (const q of queues) await served(c as TestCluster, q, 4);
    }, { timeoutMs: 90_000, intervalMs: 250 });
    expect(controller.counters().messagesSent).toBeGreaterThanOrEqual(1600);
    expect(c.ledger.violations).toEqual([]);
  });
});

function currentState(state: string): ReturnType<typeof newRecord> {
  const r = newRecord('alpha');
  r.mapFields.alpha_0 = { CURRENT_STATE: state };
  return r;
}

/** `zk` whose data-watch notifications for `path` arrive `delayMs` late (a slow event delivery). */
function lateDataEvents(zk: ZkClient, path: string, delayMs: number): ZkClient {
  const late = new WeakMap<ZkWatcher, ZkWatcher>();
  const delayed = (w: ZkWatcher): ZkWatcher => {
    let d = late.get(w);
    if (!d) {
      d = (event) => {
        setTimeout(() => w(event), delayMs);
      };
      late.set(w, d);
    }
    return d;
  };
  return new Proxy(zk, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (prop !== 'get' || typeof value !== 'function') return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      return (p: string, watcher?: ZkWatcher) => zk.get(p, p === path && watcher ? delayed(watcher) : watcher);
    },
  });
}
