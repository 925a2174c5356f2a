/**
 * Issue 8, finding 4 (the rest): a frame trickled one byte every 100 ms kept its connection open
 * indefinitely (every byte reset the idle timer), there was no cap on connections, and replies a
 * peer never reads piled up in the gateway. Against the real gateway process (legacy Redis; the
 * transport is the same for every backend), with small knob values:
 *  - GATEWAY_FRAME_TIMEOUT_SECONDS: a frame must arrive whole in time; a reply must be taken in time;
 *  - GATEWAY_IDLE_TIMEOUT_SECONDS: measured from the last reply, whatever bytes trickle in;
 *  - GATEWAY_MAX_CONNECTIONS: connections over the cap are closed at once.
 * Each is counted on /stats.txt.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import thrift from 'thrift';
import ttypes = require('../../gateway/src/generated/pinlater_types');
import { ConformanceClient } from '../conformance/harness/conformance-client';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process';
import { RawPeer } from './support/raw-peer';
import { captureRequest } from './support/seed-corpus';

afterAll(assertNoLeaks);

const STAT = {
  connections: 'PinLaterService/connections',
  rejected: 'PinLaterService/connections_rejected',
  frameTimeouts: 'PinLaterService/frame_read_timeouts',
  replyTimeouts: 'PinLaterService/reply_write_timeouts',
  idleCloses: 'PinLaterService/idle_closes',
};
/** Generous: timers on a busy 2-core machine fire late, never early. */
const LATE_MS = 10_000;

const context = new ttypes.RequestContext({ source: 'security:limits' });
const queueNamesFrame = captureRequest((c) => c.getQueueNames(context));

/** A frame that declares `declared` body bytes; only the prefix and `sent` body bytes are returned. */
function unfinished(declared: number, sent: number): Buffer {
  const bytes = Buffer.alloc(4 + sent, 0x41);
  bytes.writeInt32BE(declared, 0);
  return bytes;
}

/** Reads counters and gauges; a counter absent from /stats.txt reads 0. */
async function stat(gw: GatewayProcess, name: string): Promise<number> {
  return (await gw.stats()).get(name) ?? 0;
}

function replyHeader(reply: Buffer): { name: string; type: number } {
  const protocol = new thrift.TBinaryProtocol(new thrift.TFramedTransport(reply));
  const { fname, mtype } = protocol.readMessageBegin();
  return { name: fname, type: mtype };
}

describe('frame deadline, reply deadline and connection cap', () => {
  const FRAME_TIMEOUT_MS = 4000;
  const MAX_CONNECTIONS = 4;
  let gw: GatewayProcess;
  const peers: RawPeer[] = [];
  const open = async (): Promise<RawPeer> => {
    const peer = await RawPeer.open(gw.address);
    peers.push(peer);
    return peer;
  };

  beforeAll(async () => {
    gw = await startGatewayProcess({
      backend: 'legacy-redis',
      properties: { GATEWAY_FRAME_TIMEOUT_SECONDS: String(FRAME_TIMEOUT_MS / 1000), GATEWAY_MAX_CONNECTIONS: String(MAX_CONNECTIONS) },
    });
  });
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((p) => p.close()));
    await eventually(async () => expect(await stat(gw, STAT.connections)).toBe(0), { timeoutMs: 10_000 });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('a frame trickled one byte every 100 ms is closed by the frame deadline; one that arrives in time is answered', async () => {
    const timeoutsBefore = await stat(gw, STAT.frameTimeouts);
    const inTime = await open();
    inTime.trickle(queueNamesFrame, 5); // 64 bytes in ~0.3 s, well inside the deadline
    expect(replyHeader((await inTime.replies(1, FRAME_TIMEOUT_MS + LATE_MS))[0] as Buffer)).toEqual({ name: 'getQueueNames', type: 2 });

    const slow = await open();
    const started = performance.now();
    slow.trickle(unfinished(1000, 1000), 100);
    const closedAt = await slow.closedWithin(FRAME_TIMEOUT_MS + LATE_MS);
    expect(closedAt - started).toBeGreaterThanOrEqual(FRAME_TIMEOUT_MS - 50);
    expect(slow.sentBytes).toBeLessThan(1004);
    expect(await stat(gw, STAT.frameTimeouts)).toBe(timeoutsBefore + 1);
    expect(inTime.isClosed).toBe(false);
  });

  it('a peer that pipelines requests and never reads the replies is dropped after the reply deadline', async () => {
    const client = await ConformanceClient.connect(gw.address, 'security:limits');
    let descriptor: string;
    try {
      await client.createQueue('unread_q');
      [descriptor] = (await client.enqueue('unread_q', [{ body: Buffer.alloc(1024 * 1024, 0x62) }])) as [string];
    } finally {
      await client.close();
    }
    const lookup = captureRequest((c) => c.lookupJobs(context, new ttypes.PinLaterLookupJobRequest({ jobDescriptors: [descriptor], includeBody: true })));
    const timeoutsBefore = await stat(gw, STAT.replyTimeouts);
    const greedy = await open();
    greedy.socket.pause(); // never reads: ~1 MiB replies pile up until the socket buffers are full
    greedy.write(Buffer.concat(Array.from({ length: 64 }, () => lookup)));
    // A paused peer cannot see the close itself: the gateway's own counters tell.
    await eventually(
      async () => {
        expect(await stat(gw, STAT.replyTimeouts)).toBe(timeoutsBefore + 1);
        expect(await stat(gw, STAT.connections)).toBe(0);
      },
      { timeoutMs: FRAME_TIMEOUT_MS + 2 * LATE_MS, intervalMs: 250 },
    );
    greedy.socket.resume();
    await greedy.closedWithin(LATE_MS);
    expect(greedy.takeReplies().length).toBeLessThan(64);
  });

  it('connections over GATEWAY_MAX_CONNECTIONS are closed at once and counted; a freed slot serves again', async () => {
    const rejectedBefore = await stat(gw, STAT.rejected);
    const admitted = await Promise.all(Array.from({ length: MAX_CONNECTIONS }, () => open()));
    for (const peer of admitted) peer.write(queueNamesFrame);
    for (const peer of admitted) expect(await peer.replies(1)).toHaveLength(1);
    expect(await stat(gw, STAT.connections)).toBe(MAX_CONNECTIONS);

    const extra = await open();
    extra.write(queueNamesFrame);
    await extra.closedWithin(LATE_MS);
    expect(extra.received).toBe(0);
    expect(await stat(gw, STAT.rejected)).toBe(rejectedBefore + 1);
    for (const peer of admitted) expect(peer.isClosed).toBe(false);

    await (admitted[0] as RawPeer).close();
    await eventually(async () => expect(await stat(gw, STAT.connections)).toBe(MAX_CONNECTIONS - 1));
    const next = await open();
    next.write(queueNamesFrame);
    expect(replyHeader((await next.replies(1))[0] as Buffer).name).toBe('getQueueNames');
  });
});

describe('idle timeout measured from the last reply', () => {
  const IDLE_MS = 2000;
  let gw: GatewayProcess;
  const peers: RawPeer[] = [];

  beforeAll(async () => {
    gw = await startGatewayProcess({ backend: 'legacy-redis', properties: { GATEWAY_IDLE_TIMEOUT_SECONDS: String(IDLE_MS / 1000), GATEWAY_FRAME_TIMEOUT_SECONDS: '120' } });
  });
  afterAll(async () => {
    await Promise.all(peers.splice(0).map((p) => p.close()));
    await gw?.close();
  });

  it('trickling an unfinished frame does not keep an idle connection open', async () => {
    const idleBefore = await stat(gw, STAT.idleCloses);
    const peer = await RawPeer.open(gw.address);
    peers.push(peer);
    peer.write(queueNamesFrame);
    await peer.replies(1);
    const repliedAt = performance.now();
    peer.trickle(unfinished(10_000, 10_000), 100);
    const closedAt = await peer.closedWithin(IDLE_MS + LATE_MS);
    expect(closedAt - repliedAt).toBeGreaterThanOrEqual(IDLE_MS - 50);
    expect(await stat(gw, STAT.idleCloses)).toBe(idleBefore + 1);
    expect(await stat(gw, STAT.frameTimeouts)).toBe(0);
  });

  it('a connection that keeps making requests is not idle', async () => {
    const peer = await RawPeer.open(gw.address);
    peers.push(peer);
    const until = performance.now() + 2 * IDLE_MS;
    while (performance.now() < until) {
      peer.write(queueNamesFrame);
      await peer.replies(1);
      await sleep(IDLE_MS / 8);
    }
    expect(peer.isClosed).toBe(false);
  });
});
