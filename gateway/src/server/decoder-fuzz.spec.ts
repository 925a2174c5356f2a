import { silentLogger } from '../../../core/src/logging/logger';
import { PINLATER_IDL, SERVICE_NAME } from '../generated/pinlater-idl';
import { callFrame } from './call-frame';
import { ConnectionProtocol } from './connection-protocol';
import { TType } from '../codegen/idl-schema';
import { RpcProcessor } from './rpc-processor';
import { StructCodec } from './struct-codec';
import { seededRandom as rng } from '../../../test/support/seeded-random';
import { FINAGLE_PROBE_FRAME, ttwitterFrame } from '../../../test/support/ttwitter-frames';

const validEnqueue = callFrame('enqueueJobs', 11, (w) => {
  w.writeFieldBegin(TType.STRUCT, 1);
  w.writeFieldBegin(TType.STRING, 1);
  w.writeString('fuzz');
  w.writeFieldStop();
  w.writeFieldBegin(TType.STRUCT, 2);
  w.writeFieldBegin(TType.STRING, 1);
  w.writeString('q');
  w.writeFieldBegin(TType.LIST, 2);
  w.writeListBegin(TType.STRUCT, 2);
  for (let i = 0; i < 2; i++) {
    w.writeFieldBegin(TType.STRING, 1);
    w.writeString(`body${i}`);
    w.writeFieldBegin(TType.BYTE, 2);
    w.writeByte(2);
    w.writeFieldBegin(TType.I64, 3);
    w.writeI64(123);
    w.writeFieldStop();
  }
  w.writeFieldStop();
  w.writeFieldStop();
}).subarray(4);

/** The same call on an upgraded connection: a RequestHeader with every field, then the message. */
const ttwitterEnqueue = ttwitterFrame(
  {
    traceId: 1n, spanId: 2n, parentSpanId: 3n, sampled: true, clientId: 'c', flags: 0n,
    contexts: [{ key: Buffer.from('k'), value: Buffer.from('v') }], dest: '/s/x', delegations: [{ src: 'a', dst: 'b' }],
  },
  Buffer.concat([Buffer.alloc(4), validEnqueue]),
).subarray(4);

describe('decoder fuzz', () => {
  const processor = new RpcProcessor({
    codec: new StructCodec(PINLATER_IDL),
    methods: PINLATER_IDL.services[SERVICE_NAME] ?? [],
    dispatcher: { invoke: () => Promise.resolve({ jobDescriptors: ['q:s1:p2:1', 'q:s1:p2:2'] }) },
    logger: silentLogger(),
  });

  it('the unmutated frame is answered normally', async () => {
    const outcome = await processor.process(validEnqueue, new ConnectionProtocol(true));
    expect('reply' in outcome && outcome.reply.readUInt32BE(4)).toBe(0x80010002);
  });

  it.each([
    ['a plain connection', validEnqueue, false],
    ['a TTwitter connection (RequestHeader first)', ttwitterEnqueue, true],
  ])('mutated and random frames on %s always give a reply or a close, never a throw', async (_name, valid, ttwitter) => {
    const next = rng(20240531);
    const protocol = new ConnectionProtocol(true);
    if (ttwitter) await processor.process(FINAGLE_PROBE_FRAME.subarray(4), protocol);
    expect(protocol.upgraded).toBe(ttwitter);
    expect('reply' in (await processor.process(valid, protocol))).toBe(true);
    for (let i = 0; i < 3000; i++) {
      const frame = Buffer.from(valid);
      const mode = i % 3;
      if (mode === 0) {
        const flips = 1 + Math.floor(next() * 4);
        for (let k = 0; k < flips; k++) frame[Math.floor(next() * frame.length)] = Math.floor(next() * 256);
      }
      const input =
        mode === 1
          ? frame.subarray(0, Math.floor(next() * frame.length))
          : mode === 2
            ? Buffer.from(Array.from({ length: Math.floor(next() * 64) }, () => Math.floor(next() * 256)))
            : frame;
      const outcome = await processor.process(input, protocol);
      expect('reply' in outcome || 'close' in outcome).toBe(true);
    }
  });
});
