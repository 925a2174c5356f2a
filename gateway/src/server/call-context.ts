/**
 * What the transport knows about a call besides its arguments, handed to the dispatcher with them:
 * on a TTwitter-upgraded Finagle connection, the caller's trace (FACTS §1.2 RequestHeader).
 */
import type { TraceContext } from '../../../core/src/telemetry/trace-context';
import type { FinagleRequestHeader } from './finagle-headers';

/** The caller's Finagle trace: ids as 16 lowercase hex digits (the 64-bit value, unsigned). */
export interface FinagleTrace {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  /** Absent: the caller has not decided. */
  readonly sampled?: boolean;
  /** The caller's ClientId, safe to render (printable ASCII, at most MAX_CLIENT_ID_CHARS). */
  readonly clientId?: string;
  readonly flags?: bigint;
}

export interface CallContext {
  readonly finagle?: FinagleTrace;
  /** The call's server span (`PinLater/<method>`), when traced: the parent of the work it does. */
  readonly trace?: TraceContext;
}

/** The context of every call on a plain connection (shared: no allocation per call). */
export const PLAIN_CALL: CallContext = Object.freeze({});

/** Client ids are chosen by any peer: longer ones are cut. */
export const MAX_CLIENT_ID_CHARS = 128;

export function finagleCallContext(header: FinagleRequestHeader): CallContext {
  const finagle: { -readonly [K in keyof FinagleTrace]: FinagleTrace[K] } = { traceId: idHex(header.traceId), spanId: idHex(header.spanId) };
  if (header.parentSpanId !== undefined) finagle.parentSpanId = idHex(header.parentSpanId);
  if (header.sampled !== undefined) finagle.sampled = header.sampled;
  if (header.clientId !== undefined) finagle.clientId = safeClientId(header.clientId);
  if (header.flags !== undefined) finagle.flags = header.flags;
  return { finagle };
}

/** A 64-bit id (signed on the wire) as Finagle prints it: 16 lowercase hex digits. */
export function idHex(id: bigint): string {
  return BigInt.asUintN(64, id).toString(16).padStart(16, '0');
}

/**
 * An untrusted client id made safe for span attributes and log lines: at most
 * MAX_CLIENT_ID_CHARS characters, everything outside printable ASCII replaced by `?`.
 */
export function safeClientId(name: string): string {
  const cut = name.length > MAX_CLIENT_ID_CHARS ? name.slice(0, MAX_CLIENT_ID_CHARS) : name;
  let clean = true;
  for (let i = 0; i < cut.length && clean; i++) clean = printable(cut.charCodeAt(i));
  if (clean) return cut;
  let out = '';
  for (let i = 0; i < cut.length; i++) out += printable(cut.charCodeAt(i)) ? cut[i] : '?';
  return out;
}

function printable(code: number): boolean {
  return code >= 0x20 && code <= 0x7e;
}
