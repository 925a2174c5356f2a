import { FrameBudget } from './frame-budget';
import { FrameDecoder, FrameTooLargeError } from './frame-decoder';
import { PAGED_FRAME_BYTES } from './frame-storage';

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

describe('FrameDecoder with a budget', () => {
  const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  it('reserves each frame before keeping its body, and release() gives it back', () => {
    const budget = new FrameBudget(1024);
    const d = new FrameDecoder(1024, { budget });
    const [one] = d.push(Buffer.concat([frame('one'), frame('tw')]).subarray(0, 12));
    expect(one?.toString()).toBe('one');
    expect(budget.usedBytes).toBe(3 + 2); // 'one' returned, 'tw' reserved whole on its length prefix
    d.release(one as Buffer);
    expect(budget.usedBytes).toBe(2);
    d.dispose(); // the unfinished frame goes back too
    expect(budget.usedBytes).toBe(0);
  });

  it('stops after the length prefix when the budget is short, and resumes where it stopped', async () => {
    const budget = new FrameBudget(100, { smallFrameBytes: 10 });
    budget.tryReserve(95);
    let granted = 0;
    const d = new FrameDecoder(100, { budget, onBudgetGranted: () => granted++ });
    expect(d.push(Buffer.concat([frame('x'.repeat(20)), frame('y')]))).toEqual([]);
    expect(d.waiting).toBe(true);
    expect(d.inFrame).toBe(true);
    budget.release(95);
    await settle();
    expect(granted).toBe(1);
    expect(d.resume().map((f) => f.toString())).toEqual(['x'.repeat(20), 'y']);
    expect(d.waiting).toBe(false);
    expect(budget.usedBytes).toBe(21);
  });

  it('a bad length after complete frames releases them too', () => {
    const budget = new FrameBudget(1024);
    const d = new FrameDecoder(16, { budget });
    expect(() => d.push(Buffer.concat([frame('ok'), frame('x'.repeat(17))]))).toThrow(FrameTooLargeError);
    expect(budget.usedBytes).toBe(0);
  });

  it('dispose while waiting withdraws the wait', async () => {
    const budget = new FrameBudget(100, { smallFrameBytes: 10 });
    budget.tryReserve(90);
    const onBudgetGranted = (): void => {
      throw new Error('granted after dispose');
    };
    const d = new FrameDecoder(100, { budget, onBudgetGranted });
    d.push(frame('z'.repeat(50)));
    d.dispose();
    budget.release(90);
    await settle();
    expect(budget.usedBytes).toBe(0);
    expect(budget.waiters).toBe(0);
  });

  it('large frames are paged and their memory is returned on release', () => {
    const d = new FrameDecoder(4 * 1024 * 1024);
    const body = Buffer.alloc(PAGED_FRAME_BYTES * 40 + 3, 7);
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(body.length);
    const all = Buffer.concat([prefix, body]);
    all.writeUInt32BE(0xdeadbeef, 4 + 1024 * 1024 - 2); // across a growth step
    const cuts = [0, 3, 70_000, 1024 * 1024 + 1, all.length];
    const frames = cuts.slice(1).flatMap((end, i) => d.push(all.subarray(cuts[i], end)));
    expect(frames).toHaveLength(1);
    const [big] = frames;
    expect(big?.equals(all.subarray(4))).toBe(true);
    d.release(big as Buffer);
    expect(big?.length).toBe(0); // its pages went back to the OS; nothing may read it now
  });
});
