import { connect } from 'node:net';
import { get } from 'node:http';
import { TType } from '../../gateway/src/codegen/idl-schema';
import { BinaryReader } from '../../gateway/src/server/binary-reader';
import type { BinaryWriter } from '../../gateway/src/server/binary-writer';
import { callFrame } from '../../gateway/src/server/call-frame';
import { readMessageHeader } from '../../gateway/src/server/message-header';
import { eventually } from '../support/eventually';
import { FINAGLE_PROBE_FRAME, stripResponseHeader, ttwitterFrame } from '../support/ttwitter-frames';
import { RawClient, startTestGateway } from './support/gateway-harness';
import type { TestGateway } from './support/gateway-harness';

const context = (w: BinaryWriter): void => {
  w.writeFieldBegin(TType.STRUCT, 1);
  w.writeFieldBegin(TType.STRING, 1);
  w.writeString('raw');
  w.writeFieldStop();
};
const queueNamesCall = (seqid: number, strict = true): Buffer =>
  callFrame('getQueueNames', seqid, (w) => {
    context(w);
    w.writeFieldStop();
  }, { strict });
const dequeueCall = (seqid: number): Buffer =>
  callFrame('dequeueJobs', seqid, (w) => {
    context(w);
    w.writeFieldBegin(TType.STRUCT, 2);
    w.writeFieldBegin(TType.STRING, 1);
    w.writeString('q');
    w.writeFieldBegin(TType.I32, 2);
    w.writeI32(1);
    w.writeFieldStop();
    w.writeFieldStop();
  });

function header(frame: Buffer): { name: string; type: number; seqid: number } {
  const { name, type, seqid } = readMessageHeader(new BinaryReader(frame));
  return { name, type, seqid };
}

function appException(frame: Buffer): { message: string; type: number } {
  const r = new BinaryReader(frame);
  readMessageHeader(r);
  r.readFieldBegin();
  const message = r.readString();
  r.readFieldBegin();
  return { message, type: r.readI32() };
}

describe('gateway wire layer over raw sockets', () => {
  let gw: TestGateway;
  const clients: RawClient[] = [];
  const open = async (): Promise<RawClient> => {
    const c = await RawClient.open(gw.gateway.thriftPort);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    gw = await startTestGateway({ maxFrameBytes: 4096, adminPort: 0 });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await gw.close();
  });

  it('Finagle flow: probe → REPLY (TTwitter upgrade), then a call with RequestHeader/ResponseHeader on the same connection', async () => {
    const c = await open();
    c.write(FINAGLE_PROBE_FRAME);
    c.write(ttwitterFrame({ traceId: 1n, spanId: 2n, clientId: 'pinlaterclient' }, queueNamesCall(-559038737)));
    const [probe, call] = await c.replies(2);
    expect(header(probe as Buffer)).toEqual({ name: '__can__finagle__trace__v3__', type: 2, seqid: 0 });
    expect(header(stripResponseHeader(call as Buffer))).toEqual({ name: 'getQueueNames', type: 2, seqid: -559038737 });
  });

  it('pipelined frames in one write are answered in order, seqids echoed', async () => {
    const c = await open();
    const seqids = [5, -1, 2147483647, 0, -2147483648, 77];
    c.write(Buffer.concat(seqids.map((s, i) => (i % 2 ? dequeueCall(s) : queueNamesCall(s)))));
    const replies = await c.replies(seqids.length);
    expect(replies.map((r) => header(r).seqid)).toEqual(seqids);
    expect(replies.map((r) => header(r).name)).toEqual(seqids.map((_s, i) => (i % 2 ? 'dequeueJobs' : 'getQueueNames')));
  });

  it('accepts the old non-strict header and replies strict', async () => {
    const c = await open();
    c.write(queueNamesCall(99, false));
    const [reply] = await c.replies(1);
    expect((reply as Buffer).readUInt32BE(0)).toBe(0x80010002);
    expect(header(reply as Buffer).seqid).toBe(99);
  });

  it('truncated args → PROTOCOL_ERROR reply and the connection stays usable', async () => {
    const c = await open();
    const full = dequeueCall(3);
    const truncated = Buffer.from(full.subarray(0, full.length - 6));
    truncated.writeInt32BE(truncated.length - 4, 0);
    c.write(truncated);
    c.write(queueNamesCall(4));
    const [bad, good] = await c.replies(2);
    expect(header(bad as Buffer)).toMatchObject({ type: 3, seqid: 3 });
    expect(appException(bad as Buffer).type).toBe(7);
    expect(header(good as Buffer)).toMatchObject({ type: 2, seqid: 4 });
  });

  it('an oversized declared frame closes only that connection, without waiting for the body', async () => {
    const bad = await open();
    const good = await open();
    bad.write(Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2, 3]));
    await bad.closed;
    good.write(queueNamesCall(1));
    expect(header((await good.replies(1))[0] as Buffer).seqid).toBe(1);
  });

  it('garbage and a bad version close the connection; the server keeps serving', async () => {
    for (const junk of [Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), Buffer.from('0000000880020001000000ff', 'hex'), Buffer.from('00000000', 'hex')]) {
      const c = await open();
      c.write(junk);
      await c.closed;
    }
    const c = await open();
    c.write(queueNamesCall(8));
    expect(header((await c.replies(1))[0] as Buffer).seqid).toBe(8);
  });

  it('fuzz: mutated and random frames get a reply or a clean close, never a hang; the server keeps serving', async () => {
    let seed = 12345;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const base = Buffer.concat([dequeueCall(1), queueNamesCall(2)]);
    for (let round = 0; round < 40; round++) {
      const junk = Buffer.from(base);
      for (let k = 0; k < 1 + Math.floor(next() * 6); k++) junk[Math.floor(next() * junk.length)] = Math.floor(next() * 256);
      const c = await open();
      c.write(round % 4 === 3 ? Buffer.from(Array.from({ length: 40 }, () => Math.floor(next() * 256))) : junk);
      c.socket.end(); // the peer finishes sending; whatever is left incomplete must not hang the server
      await Promise.race([c.closed, new Promise((_r, reject) => setTimeout(() => reject(new Error(`round ${round} hung`)), 3000))]);
    }
    const c = await open();
    c.write(queueNamesCall(9));
    expect(header((await c.replies(1))[0] as Buffer).seqid).toBe(9);
  });

  it('serves many concurrent connections', async () => {
    const conns = await Promise.all(Array.from({ length: 60 }, () => open()));
    conns.forEach((c, i) => c.write(Buffer.concat([queueNamesCall(i), dequeueCall(i + 1000), queueNamesCall(-i - 1)])));
    const all = await Promise.all(conns.map((c) => c.replies(3)));
    all.forEach((replies, i) => expect(replies.map((r) => header(r).seqid)).toEqual([i, i + 1000, -i - 1]));
  });

  it('serves /stats.txt, /health and /live on the admin port', async () => {
    const body = (path: string) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        get({ host: '127.0.0.1', port: gw.gateway.adminPort, path }, (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        }).on('error', reject);
      });
    const stats = await body('/stats.txt');
    expect(stats.status).toBe(200);
    expect(stats.text).toMatch(/PinLaterService\.getQueueNames: \(average=\d+, count=\d+/);
    // Queue `q` was never created: its dequeues count in the shared series (docs/compatibility.md
    // "per-queue stats exist only for queues that exist").
    expect(stats.text).toMatch(/other-queues_dequeue: \d+/);
    expect(stats.text).not.toMatch(/^ {2}q_dequeue/m);
    const health = await body('/health');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text)).toMatchObject({ healthy: true });
    expect(await body('/live')).toEqual({ status: 200, text: 'OK\n' });
    expect((await body('/nope')).status).toBe(404);
  });
});

describe('gateway connection lifecycle', () => {
  it('closes idle connections after the idle timeout', async () => {
    const gw = await startTestGateway({ idleTimeoutMs: 150 });
    try {
      const c = await RawClient.open(gw.gateway.thriftPort);
      c.write(queueNamesCall(1));
      await c.replies(1);
      await c.closed;
      expect(c.socket.destroyed).toBe(true);
    } finally {
      await gw.close();
    }
  });

  it('graceful close: stops accepting, finishes the in-flight request, then closes', async () => {
    const gw = await startTestGateway();
    let release!: () => void;
    gw.backend.holdDequeues = new Promise<void>((r) => (release = r));
    const c = await RawClient.open(gw.gateway.thriftPort);
    c.write(dequeueCall(42));
    await eventually(() => expect(gw.backend.calls.some((x) => x.method === 'dequeueJobs')).toBe(true));
    const closing = gw.close();
    await eventually(
      () =>
        new Promise<void>((resolve, reject) => {
          const s = connect(gw.gateway.thriftPort, '127.0.0.1');
          s.once('connect', () => {
            s.destroy();
            reject(new Error('still accepting'));
          });
          s.once('error', () => resolve());
        }),
    );
    release();
    const [reply] = await c.replies(1);
    expect(header(reply as Buffer)).toMatchObject({ name: 'dequeueJobs', type: 2, seqid: 42 });
    await closing;
    await c.closed;
  });
});
