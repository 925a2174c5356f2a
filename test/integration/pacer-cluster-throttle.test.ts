/**
 * The controller's state-transition throttle (ClusterConfig STATE_TRANSITION_THROTTLE_CONFIGS,
 * CLUSTER scope MAX_PARTITION_IN_TRANSITION) against a real ZooKeeper: a broker joins a cluster
 * whose 12 partitions are all on one broker, and a poller watches INSTANCES/<i>/MESSAGES. The
 * participants' transitions are slowed down so messages stay outstanding long enough to be seen.
 *
 * The poller reads every MESSAGES folder twice in a row and keeps a sample only when both reads
 * agree (message ids are UUIDs, never reused): every message of such a sample then existed during
 * the whole gap between the two reads, so they were outstanding together. A sample can miss
 * messages but never counts ones that did not coexist, so "max sample <= limit" has no false
 * alarms, and the control run with the default limit shows the poller does see a burst.
 *
 * A bound of one REBALANCE_TYPE (Helix's throttle configs by kind): a broker leaves a cluster of two,
 * and its partitions come ONLINE on the other (recoveries). A RECOVERY_BALANCE bound holds them to
 * the limit; a LOAD_BALANCE bound (hand-offs) lets them all go out at once.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { silentLogger } from '../../core/src/logging/logger';
import { systemClock } from '../../core/src/util/clock';
import { addQueue } from '../../pacer/src/coordination/cluster-setup';
import { DEFAULT_MAX_PARTITIONS_IN_TRANSITION, type ClusterSettings } from '../../pacer/src/coordination/helix-records';
import { HelixParticipant } from '../../pacer/src/coordination/participant';
import { childrenOrEmpty, readRecord } from '../../pacer/src/coordination/record-store';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import type { OwnershipLedger} from './pacer-cluster/harness';
import { CLUSTER, countsPerQueue, expectFullyServed, RecordingHandler, TestCluster } from './pacer-cluster/harness';

jest.setTimeout(90_000);

const QUEUE = 'alpha';
const PARTITIONS = 12;
const LIMIT = 2;
const TRANSITION_MS = 120;
const BROKERS = ['broker-0', 'broker-1'];
const WAIT = { timeoutMs: 30_000, intervalMs: 50 };

/** A broker whose transitions take a while, so the controller's messages stay outstanding. */
class SlowHandler extends RecordingHandler {
  constructor(ledger: OwnershipLedger, instance: string, private readonly delayMs: number) {
    super(ledger, instance);
  }

  override async onBecomeOnline(queue: string, partition: number): Promise<void> {
    await delay(this.delayMs);
    await super.onBecomeOnline(queue, partition);
  }

  override async onBecomeOffline(queue: string, partition: number): Promise<void> {
    await delay(this.delayMs);
    await super.onBecomeOffline(queue, partition);
  }
}

async function addSlowParticipant(c: TestCluster, name: string): Promise<void> {
  const handler = new SlowHandler(c.ledger, name, TRANSITION_MS);
  const sessions = await c.sessionsFor(name);
  const participant = new HelixParticipant({
    cluster: CLUSTER,
    instance: name,
    endpoint: { host: '127.0.0.1', port: 9100 + c.participants.size },
    sessions,
    handler,
    clock: systemClock,
    logger: silentLogger(),
  });
  // Registered first so TestCluster.close() closes it even if start() fails half-way.
  c.participants.set(name, { participant, handler, sessions });
  await participant.start();
}

interface MessageSample {
  readonly messages: number;
  readonly partitions: number;
}

/** Polls INSTANCES/<i>/MESSAGES of `instances` with double-collect reads until stopped. */
class OutstandingMessagesMonitor {
  readonly samples: MessageSample[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(private readonly c: TestCluster, private readonly instances: readonly string[]) {
    this.loop = this.run();
  }

  maxMessages(): number {
    return Math.max(0, ...this.samples.map((s) => s.messages));
  }

  maxPartitions(): number {
    return Math.max(0, ...this.samples.map((s) => s.partitions));
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async collect(): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const i of this.instances) out.set(i, (await childrenOrEmpty(this.c.admin, this.c.paths.messages(i))).sort());
    return out;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const first = await this.collect();
      const second = await this.collect();
      const stable = this.instances.every((i) => (first.get(i) ?? []).join() === (second.get(i) ?? []).join());
      if (stable) await this.record(second);
      await delay(5);
    }
  }

  private async record(ids: Map<string, string[]>): Promise<void> {
    const partitions = new Set<string>();
    let messages = 0;
    for (const [instance, list] of ids) {
      for (const id of list) {
        messages++;
        const m = await readRecord(this.c.admin, this.c.paths.message(instance, id));
        // Gone already: it still coexisted with the others; count it under its own id.
        partitions.add(m?.record.simpleFields.PARTITION_NAME ?? `gone:${id}`);
      }
    }
    this.samples.push({ messages, partitions: partitions.size });
  }
}

let cluster: TestCluster | undefined;
let monitor: OutstandingMessagesMonitor | undefined;

afterEach(async () => {
  await monitor?.stop();
  monitor = undefined;
  await cluster?.close();
  cluster = undefined;
});
afterAll(assertNoLeaks);

/** One broker serving all partitions, then a second joins while the monitor watches. */
async function joinSecondBroker(settings: { maxPartitionsInTransition?: number }): Promise<{ c: TestCluster; m: OutstandingMessagesMonitor; moved: number }> {
  const c = await TestCluster.create(settings);
  cluster = c;
  await addQueue(c.admin, c.paths, QUEUE, { numPartitions: PARTITIONS });
  await c.addController('controller-a');
  await c.addController('controller-b');
  const m = new OutstandingMessagesMonitor(c, BROKERS);
  monitor = m;
  await addSlowParticipant(c, 'broker-0');
  await eventually(() => expectFullyServed(c, { [QUEUE]: PARTITIONS }, ['broker-0']), WAIT);
  c.startExternalViewChecks();
  const before = new Map(c.ledger.servedBy);
  await addSlowParticipant(c, 'broker-1');
  await eventually(async () => {
    await expectFullyServed(c, { [QUEUE]: PARTITIONS }, BROKERS);
    expect(countsPerQueue(c, QUEUE, PARTITIONS, BROKERS)).toEqual([PARTITIONS / 2, PARTITIONS / 2]);
    for (const b of BROKERS) expect(await c.admin.children(c.paths.messages(b))).toEqual([]);
  }, WAIT);
  await m.stop();
  let moved = 0;
  for (const [p, owner] of before) if (c.ledger.servedBy.get(p) !== owner) moved++;
  return { c, m, moved };
}

describe('pacer cluster: state-transition throttle (MAX_PARTITION_IN_TRANSITION)', () => {
  it(`never has more than ${LIMIT} transitions outstanding, and still converges to a balanced assignment`, async () => {
    const { c, m, moved } = await joinSecondBroker({ maxPartitionsInTransition: LIMIT });
    const config = await readRecord(c.admin, c.paths.clusterConfig());
    expect(config?.record.listFields.STATE_TRANSITION_THROTTLE_CONFIGS).toEqual([
      JSON.stringify({ THROTTLE_SCOPE: 'CLUSTER', MAX_PARTITION_IN_TRANSITION: String(LIMIT) }),
    ]);
    expect(m.samples.length).toBeGreaterThan(20);
    expect(m.maxMessages()).toBeLessThanOrEqual(LIMIT);
    expect(m.maxPartitions()).toBeLessThanOrEqual(LIMIT);
    // The limit was actually reached (the throttle, not luck, kept the count down).
    expect(m.maxMessages()).toBe(LIMIT);
    expect(moved).toBe(PARTITIONS / 2);
    expect(c.ledger.violations).toEqual([]);
    expect(c.evViolations).toEqual([]);
  });

  it(`control: with the default limit (${DEFAULT_MAX_PARTITIONS_IN_TRANSITION}) the same join has more than the small limit outstanding at once`, async () => {
    const { c, m, moved } = await joinSecondBroker({});
    expect(m.maxMessages()).toBeGreaterThan(LIMIT);
    expect(moved).toBe(PARTITIONS / 2);
    expect(c.ledger.violations).toEqual([]);
    expect(c.evViolations).toEqual([]);
  });
});

/** Two brokers serve every partition; then broker-1 leaves (kill -9) while the monitor watches broker-0's messages. */
async function leaveOneBroker(settings: Partial<ClusterSettings>): Promise<{ c: TestCluster; m: OutstandingMessagesMonitor }> {
  const c = await TestCluster.create(settings);
  cluster = c;
  await addQueue(c.admin, c.paths, QUEUE, { numPartitions: PARTITIONS });
  for (const b of BROKERS) await addSlowParticipant(c, b);
  await c.addController('controller-a');
  await eventually(async () => {
    await expectFullyServed(c, { [QUEUE]: PARTITIONS }, BROKERS);
    expect(countsPerQueue(c, QUEUE, PARTITIONS, BROKERS)).toEqual([PARTITIONS / 2, PARTITIONS / 2]);
  }, WAIT);
  const m = new OutstandingMessagesMonitor(c, ['broker-0']);
  monitor = m;
  await c.killParticipant('broker-1');
  await eventually(async () => {
    await expectFullyServed(c, { [QUEUE]: PARTITIONS }, ['broker-0']);
    expect(await c.admin.children(c.paths.messages('broker-0'))).toEqual([]);
  }, WAIT);
  await m.stop();
  return { c, m };
}

describe('pacer cluster: a throttle of one REBALANCE_TYPE', () => {
  it(`RECOVERY_BALANCE ${LIMIT}: a leave's takeovers go out at most ${LIMIT} at once`, async () => {
    const { c, m } = await leaveOneBroker({ maxByRebalanceType: { RECOVERY_BALANCE: LIMIT } });
    expect(m.samples.length).toBeGreaterThan(10);
    expect(m.maxMessages()).toBe(LIMIT);
    expect(c.ledger.violations).toEqual([]);
  });

  it(`LOAD_BALANCE ${LIMIT}: a leave's takeovers are not held by it (more than ${LIMIT} at once)`, async () => {
    const { c, m } = await leaveOneBroker({ maxByRebalanceType: { LOAD_BALANCE: LIMIT } });
    expect(m.maxMessages()).toBeGreaterThan(LIMIT);
    expect(c.ledger.violations).toEqual([]);
  });
});
