import thrift from 'thrift';
import { TType } from '../codegen/idl-schema';
import { PINLATER_IDL } from '../generated/pinlater-idl';
import * as generated from '../generated/pinlater_types';
import { BinaryReader } from './binary-reader';
import { BinaryWriter } from './binary-writer';
import { ProtocolError } from './protocol-error';
import { StructCodec } from './struct-codec';

const codec = new StructCodec(PINLATER_IDL);

/** Serializes a generated npm-thrift struct with npm thrift's own TBinaryProtocol. */
/** The generated .d.ts files do not declare read/write; the generated JS has them. */
interface NpmStruct {
  read(p: thrift.TProtocol): void;
  write(p: thrift.TProtocol): void;
}

function npmEncode(value: object): Buffer {
  const chunks: Buffer[] = [];
  const trans = new thrift.TBufferedTransport(undefined, (buf?: Buffer) => {
    if (buf) chunks.push(buf);
  });
  (value as NpmStruct).write(new thrift.TBinaryProtocol(trans));
  trans.flush();
  return Buffer.concat(chunks);
}

function npmDecode<T extends object>(value: T, bytes: Buffer): T {
  const trans = new thrift.TFramedTransport(bytes);
  (value as unknown as NpmStruct).read(new thrift.TBinaryProtocol(trans));
  return value;
}

function decode(structName: string, build: (w: BinaryWriter) => void): Record<string, unknown> {
  const w = new BinaryWriter();
  build(w);
  return codec.decodeStruct(new BinaryReader(Buffer.from(w.toBuffer())), structName);
}

describe('StructCodec (Apache-Java read semantics)', () => {
  it('decodes what npm thrift encodes, applying IDL defaults and keeping unset optionals absent', () => {
    const req = new generated.PinLaterEnqueueRequest({
      queueName: 'q',
      jobs: [new generated.PinLaterJob({ body: Buffer.from('b1') }), new generated.PinLaterJob({ body: Buffer.from('b2'), priority: -3, runAfterTimestampMillis: 0 as never, numAttemptsAllowed: 7, customStatus: 'cs' })],
    });
    const decoded = codec.decodeStruct(new BinaryReader(npmEncode(req)), 'PinLaterEnqueueRequest');
    expect(decoded).toEqual({
      queueName: 'q',
      jobs: [
        { body: Buffer.from('b1'), priority: 1, numAttemptsAllowed: 2, customStatus: '' },
        { body: Buffer.from('b2'), priority: -3, runAfterTimestampMillis: 0, numAttemptsAllowed: 7, customStatus: 'cs' },
      ],
    });
  });

  it('encodes what npm thrift decodes (JobInfo field 10 last, optional fields only when set)', () => {
    const w = new BinaryWriter();
    codec.encodeStruct(w, 'PinLaterJobInfo', {
      jobDescriptor: 'q:s1:p1:1',
      jobState: 2,
      attemptsAllowed: 3,
      attemptsRemaining: 1,
      customStatus: '',
      createdAtTimestampMillis: 1_700_000_000_123,
    });
    const bytes = Buffer.from(w.toBuffer());
    const info = npmDecode(new generated.PinLaterJobInfo(), bytes);
    expect(info.jobDescriptor).toBe('q:s1:p1:1');
    expect(info.attemptsAllowed).toBe(3);
    expect(Number(info.createdAtTimestampMillis.toString())).toBe(1_700_000_000_123);
    expect(info.runAfterTimestampMillis).toBeNull();
    // field ids in ascending order: 1,2,3,4,5 then 10
    const ids: number[] = [];
    const r = new BinaryReader(bytes);
    for (let f = r.readFieldBegin(); f.type !== TType.STOP; f = r.readFieldBegin()) {
      ids.push(f.id);
      r.skip(f.type);
    }
    expect(ids).toEqual([1, 2, 3, 4, 5, 10]);
  });

  it('i64 round trip of large and negative values', () => {
    for (const v of [0, -1, 2 ** 53 - 1, -(2 ** 53) + 1, 1_700_000_000_123]) {
      const w = new BinaryWriter();
      w.writeI64(v);
      expect(new BinaryReader(Buffer.from(w.toBuffer())).readI64()).toBe(v);
    }
  });

  it('skips a known field with the wrong wire type and keeps the default', () => {
    const job = decode('PinLaterJob', (w) => {
      w.writeFieldBegin(TType.STRING, 1);
      w.writeString('b');
      w.writeFieldBegin(TType.I32, 2); // priority sent as i32 instead of byte
      w.writeI32(3);
      w.writeFieldStop();
    });
    expect(job.priority).toBe(1);
  });

  it('skips unknown fields of every type', () => {
    const job = decode('PinLaterJob', (w) => {
      w.writeFieldBegin(TType.MAP, 99);
      w.writeMapBegin(TType.STRING, TType.LIST, 1);
      w.writeString('k');
      w.writeListBegin(TType.I64, 1);
      w.writeI64(5);
      w.writeFieldBegin(TType.STRING, 1);
      w.writeString('b');
      w.writeFieldStop();
    });
    expect(job.body).toEqual(Buffer.from('b'));
  });

  it('rejects missing required fields, also in nested structs', () => {
    expect(() =>
      decode('PinLaterEnqueueRequest', (w) => {
        w.writeFieldBegin(TType.STRING, 1);
        w.writeString('q');
        w.writeFieldBegin(TType.LIST, 2);
        w.writeListBegin(TType.STRUCT, 1);
        w.writeFieldBegin(TType.BYTE, 2);
        w.writeByte(1);
        w.writeFieldStop(); // job without body
        w.writeFieldStop();
      }),
    ).toThrow("Required field 'body' was not present! Struct: PinLaterJob");
  });

  it('treats an unknown enum value of a required field as missing', () => {
    expect(() =>
      decode('PinLaterGetJobCountRequest', (w) => {
        w.writeFieldBegin(TType.STRING, 1);
        w.writeString('q');
        w.writeFieldBegin(TType.I32, 2);
        w.writeI32(4);
        w.writeFieldStop();
      }),
    ).toThrow(ProtocolError);
  });

  it('never allocates from a declared size larger than the frame', () => {
    const hostile = decodeError((w) => {
      w.writeFieldBegin(TType.STRING, 1);
      w.writeI32(0x7fffffff);
    });
    expect(hostile).toBeInstanceOf(ProtocolError);
    const list = decodeError((w) => {
      w.writeFieldBegin(TType.STRING, 1);
      w.writeString('q');
      w.writeFieldBegin(TType.LIST, 2);
      w.writeListBegin(TType.STRUCT, 0x7fffffff);
    });
    expect(list).toBeInstanceOf(ProtocolError);
    const negative = decodeError((w) => {
      w.writeFieldBegin(TType.STRING, 1);
      w.writeI32(-5);
    });
    expect(negative).toBeInstanceOf(ProtocolError);
  });

  it('bounds skip recursion depth', () => {
    const w = new BinaryWriter();
    for (let i = 0; i < 5000; i++) w.writeFieldBegin(TType.STRUCT, 50);
    expect(() => codec.decodeStruct(new BinaryReader(Buffer.from(w.toBuffer())), 'PinLaterJob')).toThrow(/depth/);
  });

  it('refuses to write a struct missing a required field', () => {
    expect(() => codec.encodeStruct(new BinaryWriter(), 'PinLaterEnqueueResponse', {})).toThrow(/jobDescriptors/);
  });
});

function decodeError(build: (w: BinaryWriter) => void): unknown {
  try {
    decode('PinLaterEnqueueRequest', build);
  } catch (e) {
    return e;
  }
  return undefined;
}
