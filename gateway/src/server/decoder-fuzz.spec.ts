import { silentLogger } from '../../../core/src/logging/logger';
import { PINLATER_IDL, SERVICE_NAME } from '../generated/pinlater-idl';
import { callFrame } from './call-frame';
import { TType } from '../codegen/idl-schema';
import { RpcProcessor } from './rpc-processor';
import { StructCodec } from './struct-codec';
import { seededRandom as rng } from '../../../test/support/seeded-random';

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

describe('decoder fuzz', () => {
  const processor = new RpcProcessor({
    codec: new StructCodec(PINLATER_IDL),
    methods: PINLATER_IDL.services[SERVICE_NAME] ?? [],
    dispatcher: { invoke: () => Promise.resolve({ jobDescriptors: ['q:s1:p2:1', 'q:s1:p2:2'] }) },
    logger: silentLogger(),
  });

  it('the unmutated frame is answered normally', async () => {
    const outcome = await processor.process(validEnqueue);
    expect('reply' in outcome && outcome.reply.readUInt32BE(4)).toBe(0x80010002);
  });

  it('mutated and random frames always give a reply or a close, never a throw', async () => {
    const next = rng(20240531);
    for (let i = 0; i < 3000; i++) {
      const frame = Buffer.from(validEnqueue);
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
      const outcome = await processor.process(input);
      expect('reply' in outcome || 'close' in outcome).toBe(true);
    }
  });
});
