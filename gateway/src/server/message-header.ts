import type { BinaryReader } from './binary-reader';
import type { BinaryWriter } from './binary-writer';
import { ProtocolError, ProtocolErrorType } from './protocol-error';

export const MessageType = { CALL: 1, REPLY: 2, EXCEPTION: 3, ONEWAY: 4 } as const;

const VERSION_MASK = 0xffff0000 | 0;
const VERSION_1 = 0x80010000 | 0;

export interface MessageHeader {
  name: string;
  type: number;
  seqid: number;
  /** True for the versioned (0x8001) header, false for the old unversioned one. */
  strict: boolean;
}

/**
 * Reads a message header the way PinLater's `TBinaryProtocol(strictRead=false)` does (FACTS §1.1):
 * a negative first word is a versioned header (`0x8001 00 <type>`, then name and seqid); a
 * non-negative first word is the length of the name in the old format (name, type byte, seqid).
 */
export function readMessageHeader(reader: BinaryReader): MessageHeader {
  const first = reader.readI32();
  if (first < 0) {
    if ((first & VERSION_MASK) !== VERSION_1) {
      throw new ProtocolError(ProtocolErrorType.BAD_VERSION, `Bad version in readMessageBegin: ${first >>> 0}`);
    }
    const name = reader.readString();
    return { name, type: first & 0xff, seqid: reader.readI32(), strict: true };
  }
  const name = reader.readStringBody(first);
  const type = reader.readByte();
  return { name, type, seqid: reader.readI32(), strict: false };
}

/** Always the strict (versioned) form: PinLater writes strict headers. */
export function writeMessageHeader(writer: BinaryWriter, name: string, type: number, seqid: number): void {
  writer.writeI32(VERSION_1 | type);
  writer.writeString(name);
  writer.writeI32(seqid);
}
