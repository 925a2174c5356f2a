import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import { ErrorCode } from '../../../core/src/errors/error-code';
import { InternalError } from '../../../core/src/errors/internal-error';
import { silentLogger } from '../../../core/src/logging/logger';
import { TType } from '../codegen/idl-schema';
import { PINLATER_IDL, SERVICE_NAME } from '../generated/pinlater-idl';
import { BinaryReader } from './binary-reader';
import type { BinaryWriter } from './binary-writer';
import { callFrame } from './call-frame';
import { ConnectionProtocol } from './connection-protocol';
import { readMessageHeader } from './message-header';
import type { CallContext } from './call-context';
import type { RpcDispatcher } from './rpc-processor';
import { RpcProcessor } from './rpc-processor';
import type { DecodedStruct } from './struct-codec';
import { StructCodec } from './struct-codec';

const codec = new StructCodec(PINLATER_IDL);
const methods = PINLATER_IDL.services[SERVICE_NAME] ?? [];

function processorWith(invoke: RpcDispatcher['invoke']): RpcProcessor {
  return new RpcProcessor({ codec, methods, dispatcher: { invoke }, logger: silentLogger() });
}

/** A plain connection that accepts the upgrade (the default). */
const plain = (): ConnectionProtocol => new ConnectionProtocol(true);

async function reply(p: RpcProcessor, frame: Buffer, protocol = plain()): Promise<Buffer> {
  const outcome = await p.process(frame.subarray(4), protocol);
  if (!('reply' in outcome)) throw new Error(`closed: ${outcome.close}`);
  return outcome.reply;
}

const ctx = (w: BinaryWriter): void => {
  w.writeFieldBegin(TType.STRUCT, 1);
  w.writeFieldBegin(TType.STRING, 1);
  w.writeString('src');
  w.writeFieldStop();
};

const getQueueNamesArgs = (w: BinaryWriter): void => {
  ctx(w);
  w.writeFieldStop();
};

describe('RpcProcessor', () => {
  it('declines the Finagle probe with EXCEPTION UNKNOWN_METHOD when the upgrade is off, exact bytes (FACTS §1.2)', async () => {
    const probe = Buffer.from('0000002880010001000000' + '1b' + Buffer.from('__can__finagle__trace__v3__').toString('hex') + '0000000000', 'hex');
    const declining = new ConnectionProtocol(false);
    const out = await reply(processorWith(() => Promise.resolve()), probe, declining);
    expect(declining.upgraded).toBe(false);
    const message = "Invalid method name: '__can__finagle__trace__v3__'";
    const body = Buffer.concat([
      Buffer.from('80010003', 'hex'),
      Buffer.from('0000001b', 'hex'),
      Buffer.from('__can__finagle__trace__v3__'),
      Buffer.from('00000000', 'hex'),
      Buffer.from('0b0001', 'hex'),
      Buffer.from([0, 0, 0, message.length]),
      Buffer.from(message),
      Buffer.from('0800020000000100', 'hex'),
    ]);
    const expected = Buffer.concat([Buffer.from([0, 0, 0, body.length]), body]);
    expect(out.toString('hex')).toBe(expected.toString('hex'));
  });

  it('writes TApplicationException with the type field (npm thrift drops it)', async () => {
    const out = await reply(processorWith(() => Promise.resolve()), callFrame('noSuchMethod', 7, (w) => w.writeFieldStop()));
    const r = new BinaryReader(out.subarray(4));
    expect(readMessageHeader(r)).toEqual({ name: 'noSuchMethod', type: 3, seqid: 7, strict: true });
    expect(r.readFieldBegin()).toEqual({ type: TType.STRING, id: 1 });
    expect(r.readString()).toBe("Invalid method name: 'noSuchMethod'");
    expect(r.readFieldBegin()).toEqual({ type: TType.I32, id: 2 });
    expect(r.readI32()).toBe(1);
    expect(r.readFieldBegin().type).toBe(TType.STOP);
    expect(r.remaining).toBe(0);
  });

  it.each([0, 1, -1, 2147483647, -2147483648, -123456])('echoes seqid %d', async (seqid) => {
    const p = processorWith(() => Promise.resolve(new Set(['q'])));
    const out = await reply(p, callFrame('getQueueNames', seqid, getQueueNamesArgs));
    expect(readMessageHeader(new BinaryReader(out.subarray(4))).seqid).toBe(seqid);
  });

  it('reads old non-strict headers and answers with a strict one', async () => {
    const p = processorWith(() => Promise.resolve(new Set(['a'])));
    const out = await reply(p, callFrame('getQueueNames', 42, getQueueNamesArgs, { strict: false }));
    const r = new BinaryReader(out.subarray(4));
    expect(out.readUInt32BE(4)).toBe(0x80010002);
    expect(readMessageHeader(r)).toEqual({ name: 'getQueueNames', type: 2, seqid: 42, strict: true });
    expect(r.readFieldBegin()).toEqual({ type: TType.SET, id: 0 });
    expect(r.readListBegin()).toEqual({ elemType: TType.STRING, size: 1 });
    expect(r.readString()).toBe('a');
  });

  it('closes on a bad version or unreadable header', async () => {
    const p = processorWith(() => Promise.resolve());
    expect(await p.process(Buffer.from('80020001000000', 'hex'), plain())).toHaveProperty('close');
    expect(await p.process(Buffer.from('0000', 'hex'), plain())).toHaveProperty('close');
    expect(await p.process(Buffer.alloc(0), plain())).toHaveProperty('close');
  });

  it('maps a PinLaterError to REPLY with result field 1', async () => {
    const p = processorWith(() => Promise.reject(new PinLaterError(ErrorCode.QUEUE_NOT_FOUND, 'nope')));
    const out = await reply(p, callFrame('getQueueNames', 5, getQueueNamesArgs));
    const r = new BinaryReader(out.subarray(4));
    expect(readMessageHeader(r).type).toBe(2);
    expect(r.readFieldBegin()).toEqual({ type: TType.STRUCT, id: 1 });
    expect(codec.decodeStruct(r, 'PinLaterException')).toEqual({ errorCode: 413, message: 'nope' });
  });

  it('maps sync failures and InternalError to INTERNAL_ERROR, async plain errors to UNKNOWN', async () => {
    const sync = processorWith(() => {
      throw new TypeError('boom');
    });
    expect(await exceptionOf(sync)).toEqual({ type: 6, message: "Internal error processing getQueueNames: 'TypeError: boom'" });
    const internal = processorWith(() => Promise.reject(new InternalError('java.lang.IllegalArgumentException')));
    expect(await exceptionOf(internal)).toEqual({ type: 6, message: "Internal error processing getQueueNames: 'java.lang.IllegalArgumentException'" });
    const asyncFail = processorWith(() => Promise.reject(new Error('db down')));
    const out = await reply(asyncFail, callFrame('getQueueNames', 1, getQueueNamesArgs));
    const r = new BinaryReader(out.subarray(4));
    readMessageHeader(r);
    r.readFieldBegin();
    expect(codec.decodeStruct(r, 'PinLaterException')).toEqual({ errorCode: 500, message: 'Error: db down' });
  });

  it('answers undecodable args with PROTOCOL_ERROR and keeps the seqid', async () => {
    let called = false;
    const p = processorWith(() => {
      called = true;
      return Promise.resolve();
    });
    // dequeueJobs request without the required `limit` (FACTS §1.3).
    const frame = callFrame('dequeueJobs', -9, (w) => {
      ctx(w);
      w.writeFieldBegin(TType.STRUCT, 2);
      w.writeFieldBegin(TType.STRING, 1);
      w.writeString('q');
      w.writeFieldStop();
      w.writeFieldStop();
    });
    const out = await reply(p, frame);
    const r = new BinaryReader(out.subarray(4));
    expect(readMessageHeader(r)).toMatchObject({ type: 3, seqid: -9, name: 'dequeueJobs' });
    r.readFieldBegin();
    expect(r.readString()).toBe("Required field 'limit' was not found in serialized data! Struct: PinLaterDequeueRequest");
    r.readFieldBegin();
    expect(r.readI32()).toBe(7);
    expect(called).toBe(false);
  });

  it('passes decoded args and an empty call context to the dispatcher', async () => {
    let seen: DecodedStruct | undefined;
    let seenCall: CallContext | undefined;
    const p = processorWith((_m, args, call) => {
      seen = args;
      seenCall = call;
      return Promise.resolve(new Set<string>());
    });
    await reply(p, callFrame('getQueueNames', 1, getQueueNamesArgs));
    expect(seen).toEqual({ context: { source: 'src', requestId: '' } });
    expect(seenCall).toEqual({});
  });
});

async function exceptionOf(p: RpcProcessor): Promise<{ type: number; message: string }> {
  const out = await reply(p, callFrame('getQueueNames', 3, getQueueNamesArgs));
  const r = new BinaryReader(out.subarray(4));
  expect(readMessageHeader(r).type).toBe(3);
  r.readFieldBegin();
  const message = r.readString();
  r.readFieldBegin();
  return { type: r.readI32(), message };
}
