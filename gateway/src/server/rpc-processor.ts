import type { MethodDef } from '../codegen/idl-schema';
import { toThriftError } from '../errors/to-thrift-error';
import type { FailurePhase } from '../errors/to-thrift-error';
import type { Logger } from '../../../core/src/logging/logger';
import { ApplicationExceptionType, FINAGLE_TRACE_PROBE, unknownMethodMessage, writeApplicationException } from './application-exception';
import type { ApplicationExceptionTypeCode } from './application-exception';
import { BinaryReader } from './binary-reader';
import { BinaryWriter } from './binary-writer';
import { MessageType, readMessageHeader, writeMessageHeader } from './message-header';
import type { MessageHeader } from './message-header';
import type { DecodedStruct, StructCodec } from './struct-codec';

/** Runs decoded calls. May throw synchronously (phase `sync`) or return a failing promise (`async`). */
export interface RpcDispatcher {
  invoke(method: string, args: DecodedStruct): Promise<unknown>;
}

/** What to do after a frame: send `reply` (a complete frame), or close the connection. */
export type FrameOutcome = { reply: Buffer } | { close: string };

export interface RpcProcessorOptions {
  codec: StructCodec;
  methods: readonly MethodDef[];
  dispatcher: RpcDispatcher;
  logger: Logger;
}

/**
 * One request frame in, one reply frame out (FACTS §1.3):
 *  - unreadable message header → close (there is no seqid to answer);
 *  - the Finagle probe and unknown methods → EXCEPTION UNKNOWN_METHOD;
 *  - argument decode/validation failure → EXCEPTION PROTOCOL_ERROR;
 *  - success → REPLY `<method>_result{0: success}`; PinLaterError → REPLY `{1: e}`;
 *  - other failures → see `toThriftError`.
 * The request's seqid is echoed in every reply; replies always use the strict header.
 */
export class RpcProcessor {
  private readonly methods: ReadonlyMap<string, MethodDef>;

  constructor(private readonly options: RpcProcessorOptions) {
    this.methods = new Map(options.methods.map((m) => [m.name, m]));
  }

  async process(frame: Buffer): Promise<FrameOutcome> {
    const reader = new BinaryReader(frame);
    let header: MessageHeader;
    try {
      header = readMessageHeader(reader);
    } catch (e) {
      return { close: `unreadable message header: ${String(e)}` };
    }
    const method = this.methods.get(header.name);
    if (!method) {
      if (header.name !== FINAGLE_TRACE_PROBE) this.options.logger.debug({ method: header.name }, 'unknown method');
      return this.exception(header, ApplicationExceptionType.UNKNOWN_METHOD, unknownMethodMessage(header.name));
    }
    let args: DecodedStruct;
    try {
      args = this.options.codec.decodeArgs(reader, method);
    } catch (e) {
      return this.exception(header, ApplicationExceptionType.PROTOCOL_ERROR, e instanceof Error ? e.message : String(e));
    }
    return this.invoke(header, method, args);
  }

  private async invoke(header: MessageHeader, method: MethodDef, args: DecodedStruct): Promise<FrameOutcome> {
    let pending: Promise<unknown>;
    try {
      pending = this.options.dispatcher.invoke(method.name, args);
    } catch (e) {
      return this.failure(header, method, e, 'sync');
    }
    let success: unknown;
    try {
      success = await pending;
    } catch (e) {
      return this.failure(header, method, e, 'async');
    }
    try {
      return { reply: this.frame(header, MessageType.REPLY, (w) => this.options.codec.encodeResult(w, method, { success })) };
    } catch (e) {
      return this.failure(header, method, e, 'sync');
    }
  }

  private failure(header: MessageHeader, method: MethodDef, error: unknown, phase: FailurePhase): FrameOutcome {
    const mapped = toThriftError(error, method.name, phase);
    if (mapped.kind === 'application-exception') {
      this.options.logger.error({ err: error, method: method.name }, 'internal error');
      return this.exception(header, mapped.type, mapped.message);
    }
    const field = method.throws[0];
    if (!field) return this.exception(header, ApplicationExceptionType.INTERNAL_ERROR, mapped.message);
    const exception = { errorCode: mapped.errorCode, message: mapped.message };
    return { reply: this.frame(header, MessageType.REPLY, (w) => this.options.codec.encodeResult(w, method, { exception, field })) };
  }

  private exception(header: MessageHeader, type: ApplicationExceptionTypeCode, message: string): FrameOutcome {
    return { reply: this.frame(header, MessageType.EXCEPTION, (w) => writeApplicationException(w, message, type)) };
  }

  private frame(header: MessageHeader, type: number, body: (w: BinaryWriter) => void): Buffer {
    return encodeFrame(header.name, type, header.seqid, body);
  }
}

/** Scratch space for encoding replies; larger ones are not kept after use. */
const SCRATCH_KEEP_BYTES = 1024 * 1024;
let scratch = new BinaryWriter(64 * 1024);

/**
 * A complete framed message: 4-byte big-endian length, strict header, body. Encoding is
 * synchronous, so every reply is written into one shared scratch writer (grown once, not per
 * reply) and copied out into a Buffer of exactly its size: one allocation per reply.
 */
export function encodeFrame(name: string, type: number, seqid: number, body: (w: BinaryWriter) => void): Buffer {
  const w = scratch;
  w.reset();
  try {
    w.writeI32(0);
    writeMessageHeader(w, name, type, seqid);
    body(w);
    const out = w.copyOut();
    out.writeInt32BE(out.length - 4, 0);
    return out;
  } finally {
    w.reset();
    if (w.capacity > SCRATCH_KEEP_BYTES) scratch = new BinaryWriter(64 * 1024);
  }
}
