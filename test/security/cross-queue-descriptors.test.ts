/**
 * Issue 8, finding 6: a descriptor from another queue must not act on your queue's job. PinLater's
 * legacy backends combine the request's queue with the descriptor's shard, priority and id; the
 * gateway makes such an ack or checkpoint a counted no-op (docs/compatibility.md "Gateway: a
 * descriptor of another queue is ignored in acks and checkpoints"). Real gateway process per legacy
 * backend.
 */
import { ConformanceClient, JobState } from '../conformance/harness/conformance-client';
import { assertNoLeaks } from '../support/leak-check';
import { startGatewayProcess, type GatewayProcess, type LegacyKind } from './support/gateway-process';

afterAll(assertNoLeaks);

describe.each<LegacyKind>(['legacy-redis', 'legacy-mysql'])('%s gateway', (backend) => {
  let gw: GatewayProcess;
  let client: ConformanceClient;

  beforeAll(async () => {
    gw = await startGatewayProcess({ backend });
    client = await ConformanceClient.connect(gw.address, 'security:cross');
    await client.createQueue('mine');
    await client.createQueue('theirs');
  });
  afterAll(async () => {
    await client.close();
    await gw.close();
  });

  /**
   * `mine` holds 12 claimed jobs, so on every shard it has the lowest local ids; the one job of
   * `theirs` has local id 1 on its shard, which `mine` also has. An ack or checkpoint naming
   * `mine` with the descriptor of `theirs` would hit `mine`'s job in PinLater.
   */
  async function claimBoth(): Promise<{ theirs: string }> {
    await client.enqueue('mine', Array.from({ length: 12 }, (_, i) => ({ body: `m${i}` })));
    const [theirs] = await client.enqueue('theirs', [{ body: 't' }]);
    await client.dequeue({ queue: 'mine', limit: 100 });
    await client.dequeue({ queue: 'theirs', limit: 1 });
    return { theirs: theirs as string };
  }

  async function mineInProgress(): Promise<number> {
    return client.count({ queue: 'mine', state: JobState.IN_PROGRESS });
  }

  it('an ack naming my queue with their descriptor changes nothing, and is counted', async () => {
    const { theirs } = await claimBoth();
    expect(await mineInProgress()).toBe(12);
    await client.ack({ queue: 'mine', succeeded: [{ descriptor: theirs }], failed: [{ descriptor: theirs }] });
    expect(await mineInProgress()).toBe(12);
    expect(await client.count({ queue: 'theirs', state: JobState.IN_PROGRESS })).toBe(1);
    expect((await gw.stats()).get('PinLater.ackDequeuedJobs.cross_queue_descriptors_ignored')).toBe(2);
    // piggybacked on a dequeue too
    await client.dequeue({ queue: 'mine', limit: 1, ack: { queue: 'mine', succeeded: [{ descriptor: theirs }] } });
    expect(await mineInProgress()).toBe(12);
    expect((await gw.stats()).get('PinLater.dequeueJobs.cross_queue_descriptors_ignored')).toBe(1);
  });

  it('a checkpoint naming my queue with their descriptor changes nothing', async () => {
    const { theirs } = await claimBoth();
    const before = await mineInProgress();
    await client.checkpoint('mine', [{ descriptor: theirs, moveToPending: true }], 'security:cross');
    expect(await mineInProgress()).toBe(before);
    expect((await gw.stats()).get('PinLater.checkpointJobs.cross_queue_descriptors_ignored')).toBe(1);
  });
});
