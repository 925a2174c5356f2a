import { FrameDecoder, FrameTooLargeError } from './frame-decoder';

const frame = (payload: string): Buffer => {
  const b = Buffer.from(payload);
  const len = Buffer.alloc(4);
  len.writeInt32BE(b.length);
  return Buffer.concat([len, b]);
};

describe('FrameDecoder', () => {
  it('splits pipelined frames and reassembles split ones byte by byte', () => {
    const d = new FrameDecoder(1024);
    const all = Buffer.concat([frame('one'), frame(''), frame('three')]);
    const out: string[] = [];
    for (const byte of all) out.push(...d.push(Buffer.from([byte])).map((f) => f.toString()));
    expect(out).toEqual(['one', '', 'three']);
    expect(d.push(all).map((f) => f.toString())).toEqual(['one', '', 'three']);
    expect(d.bufferedBytes).toBe(0);
  });

  it('rejects an oversized or negative declared length before buffering the body', () => {
    const d = new FrameDecoder(10);
    expect(() => d.push(Buffer.from([0x7f, 0xff, 0xff, 0xff]))).toThrow(FrameTooLargeError);
    expect(() => new FrameDecoder(10).push(Buffer.from([0xff, 0xff, 0xff, 0xfe]))).toThrow(FrameTooLargeError);
    expect(() => new FrameDecoder(10).push(frame('x'.repeat(11)))).toThrow(FrameTooLargeError);
  });
});
