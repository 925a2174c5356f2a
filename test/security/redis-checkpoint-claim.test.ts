/**
 * Issue 8 (every Redis script checked for client-sized work), on the real gateway process: the
 * checkpoint ownership test never runs unbounded inside Redis. PinLater searches the claim
 * descriptor `cd` for the checkpoint's source with `string.find(cd, <source with every magic
 * character %-escaped>)`: a Lua pattern as soon as the source has one magic character, whose cost
 * is |cd| × |source| in one C call. Both are the client's: `cd` embeds the dequeue request's
 * `RequestContext.source`. A 30 KB dequeue source and a 15 KB checkpoint source ending in "." kept
 * Redis busy for about two seconds per checkpoint. Now the same substring test is a plain search,
 * done by the gateway when the product is large; the answers are PinLater's.
 */
import { ConformanceClient, JobState } from '../conformance/harness/conformance-client';
import { assertNoLeaks } from '../support/leak-check';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process';
import { RedisPingProbe } from './support/redis-latency-probe';

const MAX_PING_MS = 500;
const DEQUEUE_SOURCE = 'a'.repeat(30_000);

let gw: GatewayProcess;
let client: ConformanceClient;
let claimed: string[];

beforeAll(async () => {
  gw = await startGatewayProcess({ backend: 'legacy-redis' });
  client = await ConformanceClient.connect(gw.address);
  await client.createQueue('cp');
  await client.enqueue('cp', [{ body: 'one' }, { body: 'two' }]);
  const { jobs } = await client.dequeue({ queue: 'cp', limit: 2, source: DEQUEUE_SOURCE });
  claimed = Object.keys(jobs ?? {});
  expect(claimed).toHaveLength(2);
});
afterAll(async () => {
  await client?.close();
  await gw?.close();
});
afterAll(assertNoLeaks);

async function stateOf(descriptor: string): Promise<number | undefined> {
  return (await client.lookupOne(descriptor))?.jobState;
}

it('a long source that is not in a long claim: no-op, and Redis keeps answering other clients', async () => {
  const probe = await RedisPingProbe.start();
  try {
    await client.checkpoint('cp', [{ descriptor: claimed[0] as string, moveToPending: true }], `${'a'.repeat(15_000)}.`);
  } finally {
    expect((await probe.stop()).maxMs).toBeLessThan(MAX_PING_MS);
  }
  expect(await stateOf(claimed[0] as string)).toBe(JobState.IN_PROGRESS);
  expect((await gw.stats()).get('cp_checkpoint_noop')).toBe(1);
});

it('a long source that is in a long claim: applied, as in PinLater', async () => {
  await client.checkpoint('cp', [{ descriptor: claimed[1] as string, moveToPending: true }], 'a'.repeat(15_000));
  expect(await stateOf(claimed[1] as string)).toBe(JobState.PENDING);
});
