import type { BackendHealth } from '../interfaces/pinlater-backend';
import { twoSystemRouter, type TwoSystemRouter } from '../../../test/support/two-system-router';

let t: TwoSystemRouter;

beforeEach(() => {
  t = twoSystemRouter();
});

const unservedPacer: BackendHealth = {
  kind: 'pacer', healthy: false, status: 'unready', shards: [{ shard: 'pacer-mysql', healthy: true, dequeueOnly: false }],
  unserved: { detail: '2 partition(s) of 1 queue(s) without a live broker', queueCount: 1, queues: ['q'], partitionCount: 2, partitions: ['q_0', 'q_1'] },
};

describe('a routing gateway\'s /health (docs/health.md)', () => {
  it('every system serving: ok', async () => {
    expect(await t.router.health()).toMatchObject({ healthy: true, status: 'ok' });
    expect((await t.router.health()).unserved).toBeUndefined();
  });

  it('Pacer has queues without a live owner: still ready (200) but degraded, naming them with the system', async () => {
    t.pacer.health = () => Promise.resolve(unservedPacer);
    const h = await t.router.health();
    expect(h).toMatchObject({ healthy: true, status: 'degraded' });
    expect(h.unserved).toEqual({ ...unservedPacer.unserved, detail: 'pacer: 2 partition(s) of 1 queue(s) without a live broker' });
    expect(h.systems.pacer).toMatchObject({ healthy: false, status: 'unready' }); // Pacer's own verdict, as a Pacer gateway gives it
  });

  it('a system whose datastore does not answer: unready (503), as before', async () => {
    t.legacy.health = () => Promise.resolve({ kind: 'legacy-redis', healthy: false, shards: [{ shard: '1', healthy: false, dequeueOnly: false }] });
    expect(await t.router.health()).toMatchObject({ healthy: false, status: 'unready' });
  });
});
