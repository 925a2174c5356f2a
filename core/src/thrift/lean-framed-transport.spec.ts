import { createServer, connect, type Server, type Socket } from 'node:net';
import thrift from 'thrift';
import Int64 from 'node-int64';
import { LeanBinaryProtocol, LeanFramedTransport, MAX_FRAME_BYTES } from './lean-framed-transport';

const { Thrift } = thrift;
const T = Thrift.Type;

/** A message using every write the generated code makes, through `protocol` over a transport whose frames land in `frames`. */
function writeMessage(protocol: thrift.TProtocol, body: Buffer, text: string): void {
  protocol.writeMessageBegin('dequeue', Thrift.MessageType.REPLY, 7);
  protocol.writeStructBegin('R');
  protocol.writeFieldBegin('s', T.STRING, 1);
  protocol.writeString(text);
  protocol.writeFieldEnd();
  protocol.writeFieldBegin('b', T.STRING, 2);
  protocol.writeBinary(body);
  protocol.writeFieldEnd();
  protocol.writeFieldBegin('l', T.LIST, 3);
  protocol.writeListBegin(T.I32, 6);
  // out of range too: npm thrift keeps the low bits (a seqid past 2^31), it never throws
  for (const n of [0, -1, 0x7fffffff, -0x80000000, 2 ** 31 + 5, -(2 ** 33) - 7]) protocol.writeI32(n);
  protocol.writeListEnd();
  protocol.writeFieldEnd();
  protocol.writeFieldBegin('i', T.I64, 4);
  protocol.writeI64(new Int64('7fffffffffffff01'));
  protocol.writeFieldEnd();
  protocol.writeFieldBegin('h', T.I16, 5);
  protocol.writeI16(-2);
  protocol.writeI16(0x12345);
  protocol.writeFieldEnd();
  protocol.writeFieldBegin('y', T.BYTE, 6);
  protocol.writeByte(-128);
  protocol.writeByte(255);
  protocol.writeFieldEnd();
  protocol.writeFieldBegin('d', T.DOUBLE, 7);
  for (const d of [-1.5e300, -0, NaN, 0.1, 2 ** -1074]) protocol.writeDouble(d);
  protocol.writeBool(true);
  protocol.writeFieldEnd();
  protocol.writeFieldStop();
  protocol.writeStructEnd();
  protocol.writeMessageEnd();
  protocol.flush();
}

function framesOf(make: (onFrame: (frame: Buffer) => void) => thrift.TProtocol, body: Buffer, text: string, messages = 1): Buffer[] {
  const frames: Buffer[] = [];
  const protocol = make((f) => frames.push(f));
  for (let i = 0; i < messages; i += 1) writeMessage(protocol, body, text);
  return frames;
}

const runtime = (onFrame: (f: Buffer) => void): thrift.TProtocol =>
  new thrift.TBinaryProtocol(new thrift.TFramedTransport(undefined, onFrame as never));
const lean = (onFrame: (f: Buffer) => void): thrift.TProtocol => new LeanBinaryProtocol(new LeanFramedTransport(undefined, onFrame));

type Read = { name: string; seqid: number; text: string };

/** A lean receiver, as a socket's 'data' listener; `read` collects each frame's message name, seqid and first string field. */
function reader(): { receive: (chunk: Buffer) => void; read: Read[]; frames: Buffer[] } {
  const read: Read[] = [];
  const frames: Buffer[] = [];
  const listener = LeanFramedTransport.receiver((trans) => {
    frames.push((trans as unknown as { inBuf: Buffer }).inBuf); // as a decoded binary field keeps it: a view
    const p = new thrift.TBinaryProtocol(trans);
    const m = p.readMessageBegin();
    p.readStructBegin();
    p.readFieldBegin();
    read.push({ name: m.fname, seqid: m.rseqid, text: p.readString() });
  }, 0);
  return { receive: (chunk) => listener.call(undefined, chunk), read, frames };
}

describe('LeanFramedTransport + LeanBinaryProtocol', () => {
  it('write the same bytes as npm thrift\'s framed binary stack, for every field type, small and large', () => {
    for (const [body, text] of [[Buffer.from([1, 2, 3]), 'q'], [Buffer.alloc(100_000, 7), 'ünïcødé ✓ 🚀'.repeat(50)]] as const) {
      expect(framesOf(lean, body, text)).toEqual(framesOf(runtime, body, text));
    }
  });

  it('a request that failed half-written is dropped (the generated send_* calls reset()): the next message is whole', () => {
    const frames: Buffer[] = [];
    const protocol = new LeanBinaryProtocol(new LeanFramedTransport(undefined, (f) => frames.push(f)));
    protocol.writeMessageBegin('dequeue', Thrift.MessageType.CALL, 1);
    expect(() => protocol.writeString(42 as unknown as string)).toThrow();
    (protocol as unknown as { reset(): void }).reset();
    writeMessage(protocol, Buffer.from('abc'), 'after');
    expect(frames).toEqual(framesOf(runtime, Buffer.from('abc'), 'after'));
  });

  it('each message leaves in a buffer of its own (the socket may still hold the last one)', () => {
    const [first, second] = framesOf(lean, Buffer.from('abc'), 'one', 2) as [Buffer, Buffer];
    const copy = Buffer.from(first);
    expect(second).toEqual(first);
    expect(first.buffer === second.buffer && first.byteOffset === second.byteOffset).toBe(false);
    expect(first).toEqual(copy);
  });

  it('reads frames split anywhere, several to a chunk, and keeps a partial frame safe from its chunk being overwritten', () => {
    const stream = Buffer.concat(['a', 'bb', 'ccc'].map((t) => framesOf(lean, Buffer.from('x'), t)[0] as Buffer));
    const expected = ['a', 'bb', 'ccc'].map((text) => ({ name: 'dequeue', seqid: 7, text }));
    const whole = reader();
    whole.receive(stream);
    expect(whole.read).toEqual(expected);
    for (let cut = 1; cut < stream.length; cut += 1) {
      const head = Buffer.from(stream.subarray(0, cut));
      const split = reader();
      split.receive(head);
      head.fill(0); // the chunk overwritten after the call: a kept partial frame must be a copy
      split.receive(Buffer.from(stream.subarray(cut)));
      expect(split.read).toEqual(expected);
    }
  });

  it('gathers a frame spread over many chunks, and the frames after it in the last one', () => {
    const frames = [framesOf(lean, Buffer.alloc(300_000, 3), 'big')[0] as Buffer, framesOf(lean, Buffer.from('x'), 'small')[0] as Buffer];
    frames.push(frames[1] as Buffer, framesOf(lean, Buffer.alloc(5_000, 9), 'next')[0] as Buffer);
    const stream = Buffer.concat(frames);
    const r = reader();
    for (let at = 0; at < stream.length; at += 1000) r.receive(Buffer.from(stream.subarray(at, at + 1000)));
    expect(r.read.map((m) => m.text)).toEqual(['big', 'small', 'small', 'next']);
    // frames handed out earlier are views that decoded fields keep: later chunks must not overwrite them
    expect(r.frames).toEqual(frames.map((f) => f.subarray(4)));
  });

  it('a read past the frame\'s end throws the runtime\'s underrun error, which its read loops stop on', () => {
    const frame = (framesOf(lean, Buffer.from('x'), 'end')[0] as Buffer).subarray(4);
    const trans = new LeanFramedTransport(frame);
    trans.read(frame.length);
    let caught: unknown;
    try {
      trans.readI32();
    } catch (e) {
      caught = e;
    }
    const { InputBufferUnderrunError } = thrift as unknown as { InputBufferUnderrunError: new () => Error };
    expect(caught).toBeInstanceOf(InputBufferUnderrunError);
  });

  it("transports made without input (a server's reply transport, one per call) share one empty input: no deprecated new Buffer(0) per call", () => {
    const a = new LeanFramedTransport(undefined, () => undefined);
    const b = new LeanFramedTransport(undefined, () => undefined);
    const inBuf = (t: LeanFramedTransport): Buffer => (t as unknown as { inBuf: Buffer }).inBuf;
    expect(inBuf(a)).toHaveLength(0);
    expect(inBuf(a)).toBe(inBuf(b));
  });

  describe('i64s', () => {
    const SAFE = [0, 1, -1, 42, 2 ** 31, 2 ** 32 - 1, 2 ** 32, -(2 ** 32), 1_764_900_000_000, -1_764_900_000_000, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, (7 * 2 ** 32) + 9];
    /** node-int64 over exactly these 8 bytes (what the runtime reads, and what a broker used to send). */
    const int64Of = (n: number): Int64 => new Int64(Buffer.from(new Int64(n).buffer));
    const bytesOf = (write: (p: thrift.TProtocol) => void): Buffer => {
      let frame: Buffer = Buffer.alloc(0);
      const p = new LeanBinaryProtocol(new LeanFramedTransport(undefined, (f) => (frame = f)));
      write(p);
      p.flush();
      return frame.subarray(4);
    };
    const readAll = (bytes: Buffer, count: number): unknown[] => {
      const p = new LeanBinaryProtocol(new LeanFramedTransport(bytes));
      return Array.from({ length: count }, () => p.readI64());
    };

    it('a number below 2^53 is written as the 8 bytes node-int64 makes of it, without an Int64 object', () => {
      for (const n of SAFE) expect(bytesOf((p) => p.writeI64(n)).toString('hex')).toBe(new Int64(n).buffer.toString('hex'));
    });

    it('a node-int64 is written as its own 8 bytes, also when it is a view at an offset of a larger buffer', () => {
      const backing = Buffer.from('aaaaaaaa7fffffffffffff01bbbbbbbb', 'hex');
      const view = new Int64(backing, 4);
      expect(bytesOf((p) => p.writeI64(view)).toString('hex')).toBe('7fffffffffffff01');
    });

    it('what is not an integer below 2^53 is written as node-int64 converts it, as the runtime does', () => {
      for (const n of [0.5, -3.5, 2 ** 53, 2 ** 60, -(2 ** 60)]) expect(bytesOf((p) => p.writeI64(n)).toString('hex')).toBe(new Int64(n).buffer.toString('hex'));
    });

    it('reads an i64 exact as a number as that number, and any other as node-int64 over its own copy of the 8 bytes', () => {
      const big = ['0020000000000000', '7fffffffffffff01', 'ffe0000000000000', '8000000000000000'];
      const bytes = Buffer.concat([...SAFE.map((n) => new Int64(n).buffer), ...big.map((h) => Buffer.from(h, 'hex'))]);
      const read = readAll(bytes, SAFE.length + big.length);
      expect(read.slice(0, SAFE.length)).toEqual(SAFE);
      const rest = read.slice(SAFE.length) as Int64[];
      expect(rest.map((v) => v instanceof Int64 && v.buffer.toString('hex'))).toEqual(big);
      bytes.fill(0); // the frame's bytes may be reused: the values read keep their own
      expect(rest.map((v) => v.buffer.toString('hex'))).toEqual(big);
    });

    it('the runtime reads what the lean protocol writes, and the lean protocol what the runtime writes', () => {
      const lean = bytesOf((p) => SAFE.forEach((n) => p.writeI64(n)));
      const runtimeBytes = (() => {
        let frame: Buffer = Buffer.alloc(0);
        const p = new thrift.TBinaryProtocol(new thrift.TFramedTransport(undefined, ((f: Buffer) => (frame = f)) as never));
        for (const n of SAFE) p.writeI64(int64Of(n));
        p.flush();
        return frame.subarray(4);
      })();
      expect(lean).toEqual(runtimeBytes);
      const viaRuntime = new thrift.TBinaryProtocol(new thrift.TFramedTransport(lean));
      expect(SAFE.map(() => viaRuntime.readI64().toNumber(true))).toEqual(SAFE);
      expect(readAll(runtimeBytes, SAFE.length)).toEqual(SAFE);
    });

    it('a read past the frame\'s end throws the runtime\'s underrun error and moves nothing', () => {
      const p = new LeanBinaryProtocol(new LeanFramedTransport(Buffer.alloc(7)));
      const { InputBufferUnderrunError } = thrift as unknown as { InputBufferUnderrunError: new () => Error };
      expect(() => p.readI64()).toThrow(InputBufferUnderrunError);
      expect(p.readI32()).toBe(0);
    });
  });

  it('refuses to write through a transport other than its own', () => {
    expect(() => new LeanBinaryProtocol(new thrift.TFramedTransport())).toThrow(TypeError);
  });
});

describe('a corrupt frame length on a real socket', () => {
  let server: Server;
  let accepted: Promise<Socket>;

  beforeEach(async () => {
    let resolve: (s: Socket) => void = () => undefined;
    accepted = new Promise((r) => (resolve = r));
    server = createServer((s) => {
      const receive = LeanFramedTransport.receiver(() => undefined, 0);
      s.on('data', receive);
      s.on('error', () => undefined);
      resolve(s);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  });
  afterEach(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  async function closedAfterSending(bytes: Buffer): Promise<{ error?: Error }> {
    const address = server.address() as { port: number };
    const client = connect(address.port, '127.0.0.1');
    client.on('error', () => undefined);
    await new Promise<void>((r) => client.once('connect', () => r()));
    client.write(bytes);
    const s = await accepted;
    const closed = await new Promise<{ error?: Error }>((r) => {
      if (s.destroyed) r({ error: (s as unknown as { errored?: Error }).errored ?? undefined });
      s.once('close', () => r({ error: (s as unknown as { errored?: Error }).errored ?? undefined }));
    });
    client.destroy();
    return closed;
  }

  it.each([
    ['negative (the runtime\'s receiver looped forever on -4)', -4],
    ['negative', -1],
    ['above MAX_FRAME_BYTES', MAX_FRAME_BYTES + 1],
  ])('%s: the connection is destroyed with an error naming the length', async (_name, size) => {
    const bytes = Buffer.alloc(8);
    bytes.writeInt32BE(size, 0);
    const { error } = await closedAfterSending(bytes);
    expect(error?.message).toContain(`thrift frame of ${size} bytes`);
  });
});
