/**
 * The trace a piece of work belongs to, handed along EXPLICITLY: the gateway's server span gives
 * it to the call (gateway/src/server/call-context.ts), the service puts it in each backend request
 * (`trace` in core/src/types/requests.ts), a system's backend span passes its own down, the Pacer
 * broker client injects it into the broker request. Not an ambient "active span": Node 20's
 * AsyncLocalStorage, which an ambient context needs, taxes every promise of the process whenever
 * tracing is on, sampled or not (+40 % gateway CPU per call measured by bench/telemetry-overhead.ts).
 * The ambient context is used only with PINLATER_TRACE_STORE_WORK (Redis/MySQL spans, store-work.ts).
 */
import type { Context } from '@opentelemetry/api';

export type TraceContext = Context;

/** `req` carrying `trace`: the same object when there is none, or it already carries that one. */
export function withTrace<R extends { trace?: TraceContext }>(req: R, trace: TraceContext | undefined): R {
  return trace === undefined || trace === req.trace ? req : { ...req, trace };
}
