import { BinaryWriter } from './binary-writer';
import { MessageType } from './message-header';

/**
 * Builds a framed CALL message by hand, in the strict (versioned) or old unversioned header
 * format. Used by tests and tools that must produce exact (also malformed) bytes.
 */
export function callFrame(name: string, seqid: number, args: (w: BinaryWriter) => void, opts: { strict?: boolean; type?: number } = {}): Buffer {
  const w = new BinaryWriter();
  w.writeI32(0);
  const type = opts.type ?? MessageType.CALL;
  if (opts.strict ?? true) {
    w.writeI32((0x80010000 | type) | 0);
    w.writeString(name);
  } else {
    w.writeString(name);
    w.writeByte(type);
  }
  w.writeI32(seqid);
  args(w);
  const out = w.toBuffer();
  out.writeInt32BE(out.length - 4, 0);
  return Buffer.from(out);
}
