/**
 * The server span of one PinLater call (`PinLater/<method>`, telemetry-catalogue.ts SPANS.rpcServer):
 * its attributes, and its parent. A Finagle caller's trace is continued (its 64-bit trace id is the
 * low half of the W3C trace id, its span id the parent span id, its sampling decision kept); any
 * other call is a child of whatever is active (normally a new trace). Only built while tracing is on.
 */
import type { Attributes } from '@opentelemetry/api';
import { ATTR } from '../../../core/src/telemetry/telemetry-catalogue';
import { remoteParent, type SpanOptions } from '../../../core/src/telemetry/tracing';
import type { CallContext } from './call-context';

export const RPC_SYSTEM = 'pinlater';

/** `method` is an IDL method name (a bounded set): only decoded calls get a span. */
export function serverSpanOptions(method: string, call: CallContext): SpanOptions {
  const attributes: Attributes = { [ATTR.rpcSystem]: RPC_SYSTEM, [ATTR.rpcMethod]: `PinLater/${method}` };
  const finagle = call.finagle;
  if (finagle === undefined) return { parts: { method }, attributes };
  attributes[ATTR.finagleTraceId] = finagle.traceId;
  if (finagle.clientId !== undefined) attributes[ATTR.clientId] = finagle.clientId;
  return { parts: { method }, attributes, parent: remoteParent(finagle.traceId, finagle.spanId, finagle.sampled) };
}
