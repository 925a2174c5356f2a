/**
 * Issue 8: a bounded fuzzing run of the Thrift decoder against the real gateway process. The seed
 * corpus is a real request for each of the 12 methods (as the npm thrift client writes it); the
 * run sends them, mutants of them (support/frame-mutator.ts) and random frames over several
 * concurrent connections for a fixed time, some connections left open, some half-closed.
 *
 * Every connection must end in one of the allowed ways, never hang: each complete frame gets a
 * well-formed reply until the server closes the connection, and a connection whose last frame
 * is unfinished or has a bad length is closed by the server (frame deadline, length check).
 * Afterwards the process is alive, answers a valid request correctly, holds no buffered bytes,
 * and its RSS is back near its baseline. The unit-level decoder fuzz is
 * gateway/src/server/decoder-fuzz.spec.ts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import thrift from 'thrift';
import { ConformanceClient } from '../conformance/harness/conformance-client';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { seededRandom } from '../support/seeded-random';
import { mutate, type Random } from './support/frame-mutator';
import { startGatewayProcess, type GatewayProcess, type LegacyKind } from './support/gateway-process';
import { RawPeer } from './support/raw-peer';
import { seedCorpus } from './support/seed-corpus';

afterAll(assertNoLeaks);

const MiB = 1024 * 1024;
const SEED = 0x5eed_2024;
const FUZZ_MS = 8000;
const CONCURRENT_PEERS = 8;
const MAX_FRAME_BYTES = 4 * MiB;
const FRAME_TIMEOUT_MS = 1000;
/** Budget waits, the frame deadline and a busy machine, with room to spare: more means a hang. */
const SETTLE_MS = 20_000;
const BASELINE_MARGIN_BYTES = 64 * MiB;
const QUEUE = 'fuzz_q';

/** How the server must treat a byte stream: its complete frames, and whether it ends unfinished or bad. */
function expectedFraming(bytes: Buffer): { complete: number; badTail: boolean } {
  let at = 0;
  let complete = 0;
  while (at + 4 <= bytes.length) {
    const len = bytes.readInt32BE(at);
    if (len < 0 || len > MAX_FRAME_BYTES) return { complete, badTail: true };
    if (at + 4 + len > bytes.length) return { complete, badTail: true };
    at += 4 + len;
    complete++;
  }
  return { complete, badTail: at < bytes.length };
}

/** A reply is a framed message with a strict header, type REPLY (2) or EXCEPTION (3). */
function assertWellFormed(reply: Buffer): void {
  const version = reply.readUInt32BE(0);
  const protocol = new thrift.TBinaryProtocol(new thrift.TFramedTransport(reply));
  const { mtype } = protocol.readMessageBegin();
  if ((version & 0xffff0000) >>> 0 !== 0x80010000 || (mtype !== 2 && mtype !== 3)) {
    throw new Error(`malformed reply ${reply.subarray(0, 32).toString('hex')}`);
  }
}

interface Round {
  readonly bytes: Buffer;
  readonly operators: string[];
  readonly halfClose: boolean;
}

function nextRound(seeds: readonly Buffer[], next: Random): Round {
  const parts: Buffer[] = [];
  const operators: string[] = [];
  for (let n = 1 + Math.floor(next() * 5); n > 0; n--) {
    if (next() < 0.3) {
      parts.push(seeds[Math.floor(next() * seeds.length)] as Buffer);
      operators.push('seed');
    } else {
      const m = mutate(seeds, next, MAX_FRAME_BYTES);
      parts.push(m.bytes);
      operators.push(m.operator);
    }
  }
  return { bytes: Buffer.concat(parts), operators, halfClose: next() < 0.25 };
}

/** Sends a round in random pieces and checks how the connection ends. */
async function play(gw: GatewayProcess, round: Round, next: Random): Promise<void> {
  const peer = await RawPeer.open(gw.address);
  try {
    for (let at = 0; at < round.bytes.length; ) {
      const piece = 1 + Math.floor(next() * Math.min(round.bytes.length - at, 1 + Math.floor(next() * 4096)));
      peer.write(round.bytes.subarray(at, at + piece));
      at += piece;
    }
    const { complete, badTail } = expectedFraming(round.bytes);
    if (round.halfClose) peer.socket.end();
    const done = round.halfClose ? peer.settled(Number.POSITIVE_INFINITY, SETTLE_MS) : peer.settled(complete, SETTLE_MS);
    if (!(await done)) throw new Error(`hung: ${peer.received}/${complete} replies, still open`);
    if (!round.halfClose && badTail) await peer.closedWithin(SETTLE_MS);
    for (const reply of peer.takeReplies()) assertWellFormed(reply);
  } catch (e) {
    throw new Error(`round [${round.operators.join(', ')}] ${round.bytes.subarray(0, 48).toString('hex')}…: ${(e as Error).message}`);
  } finally {
    await peer.close();
  }
}

async function sampleRss(gw: GatewayProcess): Promise<number> {
  let max = 0;
  for (let i = 0; i < 5; i++) {
    max = Math.max(max, gw.rssBytes());
    await sleep(100);
  }
  return max;
}

describe.each<LegacyKind>(['legacy-redis', 'legacy-mysql'])('%s gateway: decoder fuzzing', (backend) => {
  let gw: GatewayProcess;
  let client: ConformanceClient;

  beforeAll(async () => {
    gw = await startGatewayProcess({
      backend,
      properties: {
        GATEWAY_MAX_FRAME_BYTES: String(MAX_FRAME_BYTES),
        GATEWAY_MAX_BUFFERED_BYTES: String(4 * MAX_FRAME_BYTES),
        GATEWAY_FRAME_TIMEOUT_SECONDS: String(FRAME_TIMEOUT_MS / 1000),
      },
    });
    client = await ConformanceClient.connect(gw.address, 'security:fuzz');
  });
  afterAll(async () => {
    await client?.close();
    await gw?.close();
  });

  it('random and mutated frames never crash or hang the process, and memory returns to its baseline', async () => {
    await client.createQueue(QUEUE);
    await client.enqueue(QUEUE, [{ body: 'before the fuzz' }]);
    const seeds = seedCorpus(QUEUE, gw.shards[0] as string).map((s) => s.frame);
    expect(seeds).toHaveLength(12);
    const baseline = await sampleRss(gw);

    const stopAt = performance.now() + FUZZ_MS;
    let rounds = 0;
    const worker = async (id: number): Promise<void> => {
      const next = seededRandom(SEED + id);
      while (performance.now() < stopAt) {
        await play(gw, nextRound(seeds, next), next);
        rounds++;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENT_PEERS }, (_, id) => worker(id)));
    expect(rounds).toBeGreaterThan(CONCURRENT_PEERS);

    expect(gw.running()).toBe(true);
    expect(gw.logLines('unexpected error while processing a frame')).toEqual([]);
    const [descriptor] = await client.enqueue(QUEUE, [{ body: 'after the fuzz' }]);
    expect((await client.lookupOne(descriptor as string, true))?.body?.toString()).toBe('after the fuzz');
    await eventually(
      async () => {
        const stats = await gw.stats();
        expect({
          bytes: stats.get('PinLaterService/frame_buffer_bytes'),
          waiters: stats.get('PinLaterService/frame_buffer_waiters'),
          connections: stats.get('PinLaterService/connections'),
        }).toEqual({ bytes: 0, waiters: 0, connections: 1 });
      },
      { timeoutMs: SETTLE_MS },
    );
    await eventually(() => expect(Math.round((gw.rssBytes() - baseline) / MiB)).toBeLessThanOrEqual(BASELINE_MARGIN_BYTES / MiB), {
      timeoutMs: 30_000,
      intervalMs: 250,
    });
  });
});
