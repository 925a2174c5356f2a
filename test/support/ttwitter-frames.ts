/**
 * What a Finagle client (ThriftClientFramedCodec, finagle 6.18) puts on the wire, assembled by hand
 * from FACTS §1.2 for tests, independently of the gateway's decoder: the upgrade probe, and the
 * RequestHeader that precedes every request message on an upgraded connection.
 */
import { BinaryWriter } from '../../gateway/src/server/binary-writer';

const T = { STOP: 0, BOOL: 2, I64: 10, STRING: 11, STRUCT: 12, LIST: 15 } as const;

/** The probe, exact bytes: CALL `__can__finagle__trace__v3__`, seqid 0, ConnectionOptions {} (FACTS §1.2). */
export const FINAGLE_PROBE_FRAME = Buffer.from('0000002880010001' + '0000001b' + Buffer.from('__can__finagle__trace__v3__').toString('hex') + '00000000' + '00', 'hex');

export interface RequestHeaderSpec {
  traceId: bigint;
  spanId: bigint;
  parentSpanId?: bigint;
  sampled?: boolean;
  clientId?: string;
  flags?: bigint;
  contexts?: { key: Buffer; value: Buffer }[];
  dest?: string;
  delegations?: { src: string; dst: string }[];
}

/** A RequestHeader struct, fields in id order, as Apache Java writes it (contexts always present). */
export function requestHeaderBytes(h: RequestHeaderSpec): Buffer {
  const w = new BinaryWriter();
  w.writeFieldBegin(T.I64, 1);
  w.writeI64Exact(h.traceId);
  w.writeFieldBegin(T.I64, 2);
  w.writeI64Exact(h.spanId);
  if (h.parentSpanId !== undefined) {
    w.writeFieldBegin(T.I64, 3);
    w.writeI64Exact(h.parentSpanId);
  }
  if (h.sampled !== undefined) {
    w.writeFieldBegin(T.BOOL, 5);
    w.writeBool(h.sampled);
  }
  if (h.clientId !== undefined) {
    w.writeFieldBegin(T.STRUCT, 6);
    w.writeFieldBegin(T.STRING, 1);
    w.writeString(h.clientId);
    w.writeFieldStop();
  }
  if (h.flags !== undefined) {
    w.writeFieldBegin(T.I64, 7);
    w.writeI64Exact(h.flags);
  }
  writeStructList(w, 8, h.contexts ?? [], (c) => [c.key, c.value]);
  if (h.dest !== undefined) {
    w.writeFieldBegin(T.STRING, 9);
    w.writeString(h.dest);
  }
  if (h.delegations !== undefined) writeStructList(w, 10, h.delegations, (d) => [Buffer.from(d.src), Buffer.from(d.dst)]);
  w.writeFieldStop();
  return Buffer.from(w.toBuffer());
}

/** A plain frame (`callFrame(…)`: length prefix + message) turned into a TTwitter one: RequestHeader first. */
export function ttwitterFrame(header: RequestHeaderSpec | Buffer, plainFrame: Buffer): Buffer {
  const headerBytes = Buffer.isBuffer(header) ? header : requestHeaderBytes(header);
  const body = Buffer.concat([headerBytes, plainFrame.subarray(4)]);
  const length = Buffer.alloc(4);
  length.writeInt32BE(body.length, 0);
  return Buffer.concat([length, body]);
}

/** A reply frame body (length prefix removed) of an upgraded connection without its empty ResponseHeader. */
export function stripResponseHeader(reply: Buffer): Buffer {
  if (reply[0] !== T.STOP) throw new Error(`reply does not start with an empty ResponseHeader: ${reply.subarray(0, 8).toString('hex')}`);
  return reply.subarray(1);
}

function writeStructList<T>(w: BinaryWriter, id: number, items: readonly T[], fields: (item: T) => [Buffer, Buffer]): void {
  w.writeFieldBegin(T.LIST, id);
  w.writeListBegin(T.STRUCT, items.length);
  for (const item of items) {
    const [a, b] = fields(item);
    w.writeFieldBegin(T.STRING, 1);
    w.writeBinary(a);
    w.writeFieldBegin(T.STRING, 2);
    w.writeBinary(b);
    w.writeFieldStop();
  }
}
