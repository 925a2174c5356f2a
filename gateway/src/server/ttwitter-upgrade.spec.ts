/**
 * The TTwitter upgrade in the processor (FACTS §1.2): the probe is answered with REPLY UpgradeReply
 * and upgrades the connection; from then on every request starts with a RequestHeader (passed to
 * the dispatcher as the call's Finagle trace) and every reply with an empty ResponseHeader.
 */
import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import { ErrorCode } from '../../../core/src/errors/error-code';
import { silentLogger } from '../../../core/src/logging/logger';
import { FINAGLE_PROBE_FRAME, requestHeaderBytes, stripResponseHeader, ttwitterFrame } from '../../../test/support/ttwitter-frames';
import type { RequestHeaderSpec } from '../../../test/support/ttwitter-frames';
import { TType } from '../codegen/idl-schema';
import { PINLATER_IDL, SERVICE_NAME } from '../generated/pinlater-idl';
import { BinaryReader } from './binary-reader';
import type { BinaryWriter } from './binary-writer';
import type { CallContext } from './call-context';
import { callFrame } from './call-frame';
import { ConnectionProtocol } from './connection-protocol';
import { readMessageHeader } from './message-header';
import type { RpcDispatcher } from './rpc-processor';
import { RpcProcessor } from './rpc-processor';
import { StructCodec } from './struct-codec';

const codec = new StructCodec(PINLATER_IDL);
const methods = PINLATER_IDL.services[SERVICE_NAME] ?? [];
const PROBE_NAME = '__can__finagle__trace__v3__';

const getQueueNames = (seqid: number): Buffer =>
  callFrame('getQueueNames', seqid, (w: BinaryWriter) => {
    w.writeFieldBegin(TType.STRUCT, 1);
    w.writeFieldBegin(TType.STRING, 1);
    w.writeString('src');
    w.writeFieldStop();
    w.writeFieldStop();
  });

const HEADER: RequestHeaderSpec = {
  traceId: 0x1234567890abcdefn,
  spanId: -2n, // 0xfffffffffffffffe on the wire
  parentSpanId: 0x0102030405060708n,
  sampled: true,
  clientId: 'pinlaterclient',
  flags: 6n,
};

function processorWith(invoke: RpcDispatcher['invoke']): RpcProcessor {
  return new RpcProcessor({ codec, methods, dispatcher: { invoke }, logger: silentLogger() });
}

async function replyOf(p: RpcProcessor, frame: Buffer, protocol: ConnectionProtocol): Promise<Buffer> {
  const outcome = await p.process(frame.subarray(4), protocol);
  if (!('reply' in outcome)) throw new Error(`closed: ${outcome.close}`);
  return outcome.reply;
}

/** A probed (upgraded) connection. */
async function upgraded(p: RpcProcessor): Promise<ConnectionProtocol> {
  const protocol = new ConnectionProtocol(true);
  await replyOf(p, FINAGLE_PROBE_FRAME, protocol);
  return protocol;
}

function header(body: Buffer): { name: string; type: number; seqid: number; reader: BinaryReader } {
  const reader = new BinaryReader(body);
  const { name, type, seqid } = readMessageHeader(reader);
  return { name, type, seqid, reader };
}

describe('TTwitter upgrade (RpcProcessor)', () => {
  it('answers the probe with REPLY UpgradeReply, exact bytes, and upgrades the connection', async () => {
    const protocol = new ConnectionProtocol(true);
    const out = await replyOf(processorWith(() => Promise.resolve()), FINAGLE_PROBE_FRAME, protocol);
    const body = '80010002' + '0000001b' + Buffer.from(PROBE_NAME).toString('hex') + '00000000' + '00';
    expect(out.toString('hex')).toBe('00000028' + body);
    expect(protocol.upgraded).toBe(true);
  });

  it('echoes the probe seqid', async () => {
    const protocol = new ConnectionProtocol(true);
    const probe = callFrame(PROBE_NAME, -77, (w) => w.writeFieldStop());
    const out = await replyOf(processorWith(() => Promise.resolve()), probe, protocol);
    expect(header(out.subarray(4))).toMatchObject({ name: PROBE_NAME, type: 2, seqid: -77 });
  });

  it('an upgraded call: RequestHeader read and passed on, reply = empty ResponseHeader + REPLY', async () => {
    let seen: CallContext | undefined;
    const p = processorWith((_m, _a, call) => {
      seen = call;
      return Promise.resolve(new Set(['q1']));
    });
    const protocol = await upgraded(p);
    const out = await replyOf(p, ttwitterFrame(HEADER, getQueueNames(-123456)), protocol);
    expect(out.readInt32BE(0)).toBe(out.length - 4);
    const r = header(stripResponseHeader(out.subarray(4)));
    expect(r).toMatchObject({ name: 'getQueueNames', type: 2, seqid: -123456 });
    expect(r.reader.readFieldBegin()).toEqual({ type: TType.SET, id: 0 });
    expect(r.reader.readListBegin()).toEqual({ elemType: TType.STRING, size: 1 });
    expect(r.reader.readString()).toBe('q1');
    expect(seen).toEqual({
      finagle: { traceId: '1234567890abcdef', spanId: 'fffffffffffffffe', parentSpanId: '0102030405060708', sampled: true, clientId: 'pinlaterclient', flags: 6n },
    });
  });

  it('exceptions and declared errors on an upgraded connection carry the ResponseHeader too', async () => {
    const p = processorWith(() => Promise.reject(new PinLaterError(ErrorCode.QUEUE_NOT_FOUND, 'nope')));
    const protocol = await upgraded(p);
    const declared = header(stripResponseHeader((await replyOf(p, ttwitterFrame(HEADER, getQueueNames(3)), protocol)).subarray(4)));
    expect(declared).toMatchObject({ type: 2, seqid: 3 });
    expect(declared.reader.readFieldBegin()).toEqual({ type: TType.STRUCT, id: 1 });
    expect(codec.decodeStruct(declared.reader, 'PinLaterException')).toEqual({ errorCode: 413, message: 'nope' });

    const unknown = header(stripResponseHeader((await replyOf(p, ttwitterFrame(HEADER, callFrame('noSuchMethod', 4, (w) => w.writeFieldStop())), protocol)).subarray(4)));
    expect(unknown).toMatchObject({ name: 'noSuchMethod', type: 3, seqid: 4 });

    const truncatedArgs = ttwitterFrame(HEADER, callFrame('dequeueJobs', 5, (w) => w.writeFieldBegin(TType.STRUCT, 1)));
    const bad = header(stripResponseHeader((await replyOf(p, truncatedArgs, protocol)).subarray(4)));
    expect(bad).toMatchObject({ name: 'dequeueJobs', type: 3, seqid: 5 });
    bad.reader.readFieldBegin();
    bad.reader.readString();
    bad.reader.readFieldBegin();
    expect(bad.reader.readI32()).toBe(7);
  });

  it('a malformed RequestHeader closes the connection like an unreadable message header', async () => {
    let called = false;
    const p = processorWith(() => {
      called = true;
      return Promise.resolve(new Set<string>());
    });
    const protocol = await upgraded(p);
    const full = requestHeaderBytes(HEADER);
    const malformed = [
      full.subarray(0, full.length - 1), // no STOP
      Buffer.from('0f00080c7fffffff00', 'hex'), // contexts: 2^31-1 items declared
      Buffer.from('0c00060b0001ffffffff0000', 'hex'), // client id: negative string length
      Buffer.from('ff000100', 'hex'), // invalid wire type
    ];
    for (const h of malformed) {
      const outcome = await p.process(ttwitterFrame(h, getQueueNames(1)).subarray(4), protocol);
      expect(outcome).toEqual({ close: expect.stringMatching(/^unreadable TTwitter request header: ProtocolError/) as unknown });
    }
    // A plain frame on an upgraded connection is read as a (bad) RequestHeader: no call is made.
    expect(await p.process(getQueueNames(2).subarray(4), protocol)).toHaveProperty('close');
    expect(called).toBe(false);
  });

  it('connections are independent: a plain one is not upgraded by another one\'s probe', async () => {
    const seen: CallContext[] = [];
    const p = processorWith((_m, _a, call) => {
      seen.push(call);
      return Promise.resolve(new Set<string>());
    });
    await upgraded(p);
    const plain = new ConnectionProtocol(true);
    const out = await replyOf(p, getQueueNames(9), plain);
    expect(header(out.subarray(4))).toMatchObject({ name: 'getQueueNames', type: 2, seqid: 9 });
    expect(seen).toEqual([{}]);
  });

  it('with the upgrade off the probe is declined and later frames stay plain', async () => {
    const p = processorWith(() => Promise.resolve(new Set<string>()));
    const protocol = new ConnectionProtocol(false);
    const probe = header((await replyOf(p, FINAGLE_PROBE_FRAME, protocol)).subarray(4));
    expect(probe).toMatchObject({ name: PROBE_NAME, type: 3, seqid: 0 });
    expect(protocol.upgraded).toBe(false);
    const out = await replyOf(p, getQueueNames(10), protocol);
    expect(out[4]).toBe(0x80);
    expect(header(out.subarray(4))).toMatchObject({ name: 'getQueueNames', type: 2, seqid: 10 });
  });
});
