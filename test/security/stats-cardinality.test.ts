/**
 * Issue 8, finding 5: stats keyed by any name a client sends. Per-queue series exist only for
 * queues that exist (or share the bounded overflow series), and no name can forge a line of
 * `/stats.txt`. Against the real gateway process (Redis: a made-up queue answers "empty" without
 * an error, the cheapest way for a client to mint names).
 */
import { ConformanceClient } from '../conformance/harness/conformance-client';
import { assertNoLeaks } from '../support/leak-check';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process';

let gw: GatewayProcess;
let client: ConformanceClient;

beforeAll(async () => {
  gw = await startGatewayProcess({ backend: 'legacy-redis' });
  client = await ConformanceClient.connect(gw.address, 'security:stats');
});
afterAll(async () => {
  await client.close();
  await gw.close();
});
afterAll(assertNoLeaks);

it('made-up queue names add no per-queue series; real queues keep theirs', async () => {
  await client.createQueue('real_queue');
  await client.enqueue('real_queue', [{ body: 'a' }]);
  const before = (await gw.admin('/stats.txt')).body.split('\n').length;
  const names = Array.from({ length: 1500 }, (_, i) => `made_up_${i}`);
  for (let i = 0; i < names.length; i += 50) {
    await Promise.all(names.slice(i, i + 50).map((q) => client.dequeue({ queue: q, limit: 1 })));
  }
  await Promise.all(names.slice(0, 200).map((q) => client.ack({ queue: q, succeeded: [{ descriptor: `${q}:s${gw.shards[0]}:p1:1` }] })));
  const text = (await gw.admin('/stats.txt')).body;
  expect(text).not.toMatch(/made_up_/);
  expect(text.split('\n').length).toBeLessThan(before + 40);
  const stats = await gw.stats();
  expect(stats.get('real_queue_enqueue')).toBe(1);
  expect(stats.get('other-queues_dequeue')).toBe(0);
  expect(stats.get('stats-queue-series-overflow')).toBeGreaterThanOrEqual(1500);
});

it('a name with a line break cannot forge a line of /stats.txt', async () => {
  await client.dequeue({ queue: 'x\n  forged_counter: 999999', limit: 1 });
  await client.ack({ queue: 'y\ngauges:\n  forged_gauge: 1', succeeded: [], failed: [] });
  const text = (await gw.admin('/stats.txt')).body;
  expect(text).not.toMatch(/^\s*forged_/m);
  for (const line of text.split('\n')) expect(line).toMatch(/^(counters:|gauges:|labels:|metrics:|  \S+: .+|)$/);
});
