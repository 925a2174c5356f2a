import type { Span } from '@opentelemetry/api';
import type { Logger } from '../../../core/src/logging/logger';
import { SPANS } from '../../../core/src/telemetry/telemetry-catalogue';
import { inSpan, markFailed, spanIdsOf, tracingActive } from '../../../core/src/telemetry/tracing';
import type { MethodDef } from '../codegen/idl-schema';
import { thriftErrorType, toThriftError } from '../errors/to-thrift-error';
import type { FailurePhase } from '../errors/to-thrift-error';
import { ApplicationExceptionType, FINAGLE_TRACE_PROBE, unknownMethodMessage, writeApplicationException } from './application-exception';
import type { ApplicationExceptionTypeCode } from './application-exception';
import { BinaryReader } from './binary-reader';
import { BinaryWriter } from './binary-writer';
import { finagleCallContext, PLAIN_CALL } from './call-context';
import type { CallContext } from './call-context';
import type { ConnectionProtocol } from './connection-protocol';
import { readRequestHeader, writeResponseHeader, writeUpgradeReply } from './finagle-headers';
import { MessageType, readMessageHeader, writeMessageHeader } from './message-header';
import type { MessageHeader } from './message-header';
import { serverSpanOptions } from './server-span';
import type { DecodedStruct, StructCodec } from './struct-codec';

/**
 * Runs decoded calls. May throw synchronously (phase `sync`) or return a failing promise (`async`).
 * `call` says what the transport knows about the caller (its Finagle trace on an upgraded connection).
 */
export interface RpcDispatcher {
  invoke(method: string, args: DecodedStruct, call: CallContext): Promise<unknown>;
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
 * One request frame in, one reply frame out (FACTS §1.3), in the protocol of the frame's
 * connection (FACTS §1.2):
 *  - on a TTwitter connection the frame starts with a RequestHeader: unreadable → close (there is
 *    no seqid to answer yet); every reply starts with an empty ResponseHeader;
 *  - unreadable message header → close (there is no seqid to answer);
 *  - the Finagle probe → REPLY UpgradeReply and the connection is upgraded; when the connection
 *    does not accept the upgrade, EXCEPTION UNKNOWN_METHOD like any unknown method (the client
 *    stays plain);
 *  - argument decode/validation failure → EXCEPTION PROTOCOL_ERROR;
 *  - success → REPLY `<method>_result{0: success}`; PinLaterError → REPLY `{1: e}`;
 *  - other failures → see `toThriftError`.
 * The request's seqid is echoed in every reply; replies always use the strict header. While
 * tracing is on, every dispatched call runs in a `PinLater/<method>` server span that continues
 * the Finagle caller's trace, failed when the call ends in an exception.
 */
export class RpcProcessor {
  private readonly methods: ReadonlyMap<string, MethodDef>;

  constructor(private readonly options: RpcProcessorOptions) {
    this.methods = new Map(options.methods.map((m) => [m.name, m]));
  }

  /** `protocol`: the state of the frame's connection (plain or TTwitter), upgraded here by the probe. */
  async process(frame: Buffer, protocol: ConnectionProtocol): Promise<FrameOutcome> {
    const reader = new BinaryReader(frame);
    const ttwitter = protocol.upgraded;
    let call = PLAIN_CALL;
    if (ttwitter) {
      try {
        call = finagleCallContext(readRequestHeader(reader));
      } catch (e) {
        return { close: `unreadable TTwitter request header: ${String(e)}` };
      }
    }
    let header: MessageHeader;
    try {
      header = readMessageHeader(reader);
    } catch (e) {
      return { close: `unreadable message header: ${String(e)}` };
    }
    const method = this.methods.get(header.name);
    if (!method) return this.notAMethod(header, ttwitter, protocol);
    let args: DecodedStruct;
    try {
      args = this.options.codec.decodeArgs(reader, method);
    } catch (e) {
      return this.exception(header, ttwitter, ApplicationExceptionType.PROTOCOL_ERROR, e instanceof Error ? e.message : String(e));
    }
    // Tracing off: no span options, no closure (tracing.ts `inSpan` would only call through).
    if (!tracingActive()) return this.invoke(header, ttwitter, method, args, call, undefined);
    return inSpan(SPANS.rpcServer, serverSpanOptions(method.name, call), (span, ctx) => this.invoke(header, ttwitter, method, args, ctx === undefined ? call : { ...call, trace: ctx }, span));
  }

  /** The Finagle probe (accepted, or declined like any unknown method) and unknown methods. */
  private notAMethod(header: MessageHeader, ttwitter: boolean, protocol: ConnectionProtocol): FrameOutcome {
    if (header.name === FINAGLE_TRACE_PROBE && protocol.acceptsFinagleUpgrade) {
      // The probe's own reply is in the connection's protocol before the upgrade.
      const reply = this.frame(header, ttwitter, MessageType.REPLY, writeUpgradeReply);
      protocol.upgrade();
      this.options.logger.debug('connection upgraded to TTwitter (Finagle trace context)');
      return { reply };
    }
    if (header.name !== FINAGLE_TRACE_PROBE) this.options.logger.debug({ method: header.name }, 'unknown method');
    return this.exception(header, ttwitter, ApplicationExceptionType.UNKNOWN_METHOD, unknownMethodMessage(header.name));
  }

  private async invoke(header: MessageHeader, ttwitter: boolean, method: MethodDef, args: DecodedStruct, call: CallContext, span: Span | undefined): Promise<FrameOutcome> {
    let pending: Promise<unknown>;
    try {
      pending = this.options.dispatcher.invoke(method.name, args, call);
    } catch (e) {
      return this.failure(header, ttwitter, method, e, 'sync', span, call);
    }
    let success: unknown;
    try {
      success = await pending;
    } catch (e) {
      return this.failure(header, ttwitter, method, e, 'async', span, call);
    }
    try {
      return { reply: this.frame(header, ttwitter, MessageType.REPLY, (w) => this.options.codec.encodeResult(w, method, { success })) };
    } catch (e) {
      return this.failure(header, ttwitter, method, e, 'sync', span, call);
    }
  }

  private failure(header: MessageHeader, ttwitter: boolean, method: MethodDef, error: unknown, phase: FailurePhase, span: Span | undefined, call: CallContext): FrameOutcome {
    const mapped = toThriftError(error, method.name, phase);
    markFailed(span, error, thriftErrorType(mapped));
    if (mapped.kind === 'application-exception') {
      this.options.logger.error({ err: error, method: method.name, ...spanIdsOf(call.trace) }, 'internal error');
      return this.exception(header, ttwitter, mapped.type, mapped.message);
    }
    const field = method.throws[0];
    if (!field) return this.exception(header, ttwitter, ApplicationExceptionType.INTERNAL_ERROR, mapped.message);
    const exception = { errorCode: mapped.errorCode, message: mapped.message };
    return { reply: this.frame(header, ttwitter, MessageType.REPLY, (w) => this.options.codec.encodeResult(w, method, { exception, field })) };
  }

  private exception(header: MessageHeader, ttwitter: boolean, type: ApplicationExceptionTypeCode, message: string): FrameOutcome {
    return { reply: this.frame(header, ttwitter, MessageType.EXCEPTION, (w) => writeApplicationException(w, message, type)) };
  }

  private frame(header: MessageHeader, ttwitter: boolean, type: number, body: (w: BinaryWriter) => void): Buffer {
    return encodeFrame(header.name, type, header.seqid, body, ttwitter);
  }
}

/** Scratch space for encoding replies; larger ones are not kept after use. */
const SCRATCH_KEEP_BYTES = 1024 * 1024;
let scratch = new BinaryWriter(64 * 1024);

/**
 * A complete framed message: 4-byte big-endian length, (on a TTwitter connection: the empty
 * ResponseHeader,) strict header, body. Encoding is synchronous, so every reply is written into one
 * shared scratch writer (grown once, not per reply) and copied out into a Buffer of exactly its
 * size: one allocation per reply.
 */
export function encodeFrame(name: string, type: number, seqid: number, body: (w: BinaryWriter) => void, ttwitter = false): Buffer {
  const w = scratch;
  w.reset();
  try {
    w.writeI32(0);
    if (ttwitter) writeResponseHeader(w);
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
