/**
 * The TTwitter header structs of an upgraded Finagle connection (finagle 6.18 tracing.thrift,
 * FACTS §1.2), binary protocol, no message envelope:
 *
 *   RequestHeader  { 1: i64 trace_id, 2: i64 span_id, 3: optional i64 parent_span_id,
 *                    5: optional bool sampled, 6: optional ClientId client_id, 7: optional i64 flags,
 *                    8: list<RequestContext> contexts, 9: optional string dest,
 *                    10: optional list<Delegation> delegations }
 *   ClientId       { 1: string name }
 *   RequestContext { 1: binary key, 2: binary value }
 *   Delegation     { 1: string src, 2: string dst }
 *   ResponseHeader { 1: list<Span> spans, 2: list<RequestContext> contexts }: sent empty
 *   UpgradeReply   {}                     (the answer to the probe's ConnectionOptions {})
 *
 * Read with Apache-Java semantics (unknown field ids and known ids with an unexpected wire type are
 * skipped; absent fields keep their defaults, ids 0) and the gateway's bounds: every size is
 * checked against the bytes left in the frame before anything is allocated (BinaryReader), each
 * list has at most MAX_HEADER_LIST_ITEMS items, and skipping nests at most MAX_SKIP_DEPTH deep.
 * Anything else is a ProtocolError. The header is untrusted input from any peer that sent the probe.
 */
import { TType } from '../codegen/idl-schema';
import type { BinaryReader } from './binary-reader';
import type { BinaryWriter } from './binary-writer';
import { ProtocolError, ProtocolErrorType } from './protocol-error';

export interface FinagleRequestContext {
  readonly key: Buffer;
  readonly value: Buffer;
}

export interface FinagleDelegation {
  readonly src: string;
  readonly dst: string;
}

export interface FinagleRequestHeader {
  /** Exact 64-bit ids, signed as on the wire. */
  readonly traceId: bigint;
  readonly spanId: bigint;
  readonly parentSpanId?: bigint;
  /** Absent: the caller has not decided. */
  readonly sampled?: boolean;
  readonly clientId?: string;
  readonly flags?: bigint;
  readonly contexts: readonly FinagleRequestContext[];
  readonly dest?: string;
  readonly delegations?: readonly FinagleDelegation[];
}

/** Finagle sends a handful of broadcast contexts and delegations; more than this is not a real client. */
export const MAX_HEADER_LIST_ITEMS = 256;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function readRequestHeader(reader: BinaryReader): FinagleRequestHeader {
  const h: Mutable<FinagleRequestHeader> = { traceId: 0n, spanId: 0n, contexts: [] };
  readStruct(reader, (id, type) => {
    if (id === 1 && type === TType.I64) h.traceId = reader.readI64Exact();
    else if (id === 2 && type === TType.I64) h.spanId = reader.readI64Exact();
    else if (id === 3 && type === TType.I64) h.parentSpanId = reader.readI64Exact();
    else if (id === 5 && type === TType.BOOL) h.sampled = reader.readBool();
    else if (id === 6 && type === TType.STRUCT) h.clientId = readClientId(reader);
    else if (id === 7 && type === TType.I64) h.flags = reader.readI64Exact();
    else if (id === 8 && type === TType.LIST) h.contexts = readStructList(reader, readRequestContext);
    else if (id === 9 && type === TType.STRING) h.dest = reader.readString();
    else if (id === 10 && type === TType.LIST) h.delegations = readStructList(reader, readDelegation);
    else return false;
    return true;
  });
  return h;
}

/** The empty ResponseHeader a Finagle server puts before every reply: one STOP byte. */
export function writeResponseHeader(writer: BinaryWriter): void {
  writer.writeFieldStop();
}

/** The body of the REPLY to the probe: the empty UpgradeReply struct, one STOP byte. */
export function writeUpgradeReply(writer: BinaryWriter): void {
  writer.writeFieldStop();
}

/**
 * Reads fields until STOP; `field` reads the value of a field it knows and returns true, else the
 * value is skipped (unknown id, or a known id with an unexpected wire type).
 */
function readStruct(reader: BinaryReader, field: (id: number, type: number) => boolean): void {
  for (;;) {
    const { type, id } = reader.readFieldBegin();
    if (type === TType.STOP) return;
    if (!field(id, type)) reader.skip(type);
  }
}

function readClientId(reader: BinaryReader): string {
  let name = '';
  readStruct(reader, (id, type) => {
    if (id !== 1 || type !== TType.STRING) return false;
    name = reader.readString();
    return true;
  });
  return name;
}

function readRequestContext(reader: BinaryReader): FinagleRequestContext {
  let key: Buffer = EMPTY;
  let value: Buffer = EMPTY;
  readStruct(reader, (id, type) => {
    if (type !== TType.STRING || (id !== 1 && id !== 2)) return false;
    if (id === 1) key = reader.readBinary();
    else value = reader.readBinary();
    return true;
  });
  return { key, value };
}

function readDelegation(reader: BinaryReader): FinagleDelegation {
  let src = '';
  let dst = '';
  readStruct(reader, (id, type) => {
    if (type !== TType.STRING || (id !== 1 && id !== 2)) return false;
    if (id === 1) src = reader.readString();
    else dst = reader.readString();
    return true;
  });
  return { src, dst };
}

function readStructList<T>(reader: BinaryReader, item: (reader: BinaryReader) => T): T[] {
  const { elemType, size } = reader.readListBegin();
  if (size > MAX_HEADER_LIST_ITEMS) {
    throw new ProtocolError(ProtocolErrorType.SIZE_LIMIT, `Header list of ${size} items exceeds ${MAX_HEADER_LIST_ITEMS}`);
  }
  if (size > 0 && elemType !== TType.STRUCT) {
    throw new ProtocolError(ProtocolErrorType.INVALID_DATA, `Header list element type ${elemType}, expected ${TType.STRUCT}`);
  }
  const out: T[] = [];
  for (let i = 0; i < size; i++) out.push(item(reader));
  return out;
}

const EMPTY: Buffer = Buffer.alloc(0);
