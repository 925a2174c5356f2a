/**
 * Issue 8, finding 4: frame buffers were bounded per connection only. 20 connections each holding
 * an unfinished 60 MB frame raised the gateway's RSS by about 1.2 GB, the MySQL gateway stopped
 * serving, and the memory stayed after the connections closed.
 *
 * Against the real gateway process on each legacy backend, with the default budget
 * (GATEWAY_MAX_BUFFERED_BYTES = 4 × 64 MiB): while 20 peers push unfinished 60 MB frames, the RSS
 * stays under baseline + budget + slack and an ordinary client is served; once they close, the
 * budget is back to 0 and the RSS back near its baseline.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ConformanceClient } from '../conformance/harness/conformance-client';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { startGatewayProcess, type GatewayProcess, type LegacyKind } from './support/gateway-process';
import { RawPeer } from './support/raw-peer';

afterAll(assertNoLeaks);

const MiB = 1024 * 1024;
const PEERS = 20;
const FRAME_BYTES = 60 * MiB;
const BUDGET_BYTES = 256 * MiB;
/** Heap growth, socket buffers and allocator noise on top of the budget (the old code went ~1 GB over). */
const LOADED_SLACK_BYTES = 128 * MiB;
/** "Back near the baseline": the old code stayed ~1.2 GB above it. */
const BASELINE_MARGIN_BYTES = 64 * MiB;

const STAT = {
  bytes: 'PinLaterService/frame_buffer_bytes',
  waiters: 'PinLaterService/frame_buffer_waiters',
  waits: 'PinLaterService/frame_buffer_waits',
  connections: 'PinLaterService/connections',
};

/** A length prefix for `FRAME_BYTES` and all of the body but its last MiB: the frame never completes. */
function unfinishedFrame(): Buffer {
  const bytes = Buffer.alloc(4 + FRAME_BYTES - MiB, 0x5a);
  bytes.writeInt32BE(FRAME_BYTES, 0);
  return bytes;
}

/** Resolves once the peers' sent byte total stopped growing for a second: the gateway reads no more. */
async function untilStalled(peers: readonly RawPeer[]): Promise<number> {
  let last = -1;
  let stableSince = performance.now();
  return eventually(
    () => {
      const total = peers.reduce((sum, p) => sum + p.sentBytes, 0);
      if (total !== last) {
        last = total;
        stableSince = performance.now();
      }
      if (performance.now() - stableSince < 1000) throw new Error(`peers still sending (${Math.round(total / MiB)} MiB so far)`);
      return total;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
}

async function sampleRss(gw: GatewayProcess, samples: number): Promise<number> {
  let max = 0;
  for (let i = 0; i < samples; i++) {
    max = Math.max(max, gw.rssBytes());
    await sleep(100);
  }
  return max;
}

describe.each<LegacyKind>(['legacy-redis', 'legacy-mysql'])('%s gateway: buffered frame bytes are budgeted process-wide', (backend) => {
  let gw: GatewayProcess;
  let client: ConformanceClient;
  const peers: RawPeer[] = [];

  beforeAll(async () => {
    gw = await startGatewayProcess({ backend, properties: { GATEWAY_MAX_BUFFERED_BYTES: String(BUDGET_BYTES), GATEWAY_FRAME_TIMEOUT_SECONDS: '120' } });
    client = await ConformanceClient.connect(gw.address, 'security:budget');
  });
  afterAll(async () => {
    await Promise.all(peers.map((p) => p.close()));
    await client?.close();
    await gw?.close();
  });

  it('20 unfinished 60 MB frames: RSS bounded, others served, everything returned on close', async () => {
    await client.createQueue('budget_q');
    await client.enqueue('budget_q', [{ body: 'warm-up' }]);
    expect(await client.queueNames()).toContain('budget_q');
    const baseline = await sampleRss(gw, 5);

    const frame = unfinishedFrame();
    for (let i = 0; i < PEERS; i++) peers.push(await RawPeer.open(gw.address));
    const sending = peers.map((p) => p.writeWithBackpressure(frame, MiB));
    await untilStalled(peers);
    const loaded = await sampleRss(gw, 10);
    expect(Math.round((loaded - baseline) / MiB)).toBeLessThanOrEqual((BUDGET_BYTES + LOADED_SLACK_BYTES) / MiB);

    // Meanwhile an ordinary client is served, on its connection and on a new one.
    const [descriptor] = await client.enqueue('budget_q', [{ body: 'during the flood' }]);
    expect((await client.dequeue({ queue: 'budget_q', limit: 5 })).jobs).toHaveProperty([descriptor as string]);
    const fresh = await ConformanceClient.connect(gw.address, 'security:budget-fresh');
    try {
      expect(await fresh.queueNames()).toContain('budget_q');
    } finally {
      await fresh.close();
    }
    const during = await gw.stats();
    expect(during.get(STAT.bytes)).toBeGreaterThanOrEqual(FRAME_BYTES);
    expect(during.get(STAT.bytes)).toBeLessThanOrEqual(BUDGET_BYTES);
    expect(during.get(STAT.waiters)).toBeGreaterThan(0);
    expect(during.get(STAT.waits)).toBeGreaterThan(0);

    await Promise.all(peers.splice(0).map((p) => p.close()));
    await Promise.all(sending);
    await eventually(
      async () => {
        const after = await gw.stats();
        expect({ bytes: after.get(STAT.bytes), waiters: after.get(STAT.waiters), connections: after.get(STAT.connections) }).toEqual({
          bytes: 0,
          waiters: 0,
          connections: 1,
        });
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    await eventually(() => expect(Math.round((gw.rssBytes() - baseline) / MiB)).toBeLessThanOrEqual(BASELINE_MARGIN_BYTES / MiB), {
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    expect(gw.running()).toBe(true);
  });
});
