/**
 * Spans, through the process-global tracer provider that process-telemetry.ts registers when
 * tracing is on. Every span name comes from the catalogue (telemetry-catalogue.ts `SPANS`). When
 * tracing is off these helpers run the work directly: no span object, no context switch.
 */
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { ErrorCode } from '../errors/error-code';
import { PinLaterError } from '../errors/pinlater-error';
import { SPANS, spanName, type SpanDef } from './telemetry-catalogue';

const TRACER = 'pinlater';
let active = false;

/** Set by process-telemetry.ts only. */
export function setTracingActive(on: boolean): void {
  active = on;
}

export function tracingActive(): boolean {
  return active;
}

const KINDS = { SERVER: SpanKind.SERVER, CLIENT: SpanKind.CLIENT, INTERNAL: SpanKind.INTERNAL } as const;

export interface SpanOptions {
  readonly parts?: Readonly<Record<string, string>>;
  readonly attributes?: Attributes;
  /** The parent (a remote caller's context); default: the active span. */
  readonly parent?: Context;
}

/**
 * Runs `fn` inside a span named from `def`; ends it with an error status (and `error.type`) when
 * `fn` fails. `fn` gets the span (undefined when tracing is off) to add attributes to.
 */
export async function inSpan<T>(def: SpanDef, options: SpanOptions, fn: (span: Span | undefined) => Promise<T>): Promise<T> {
  if (!active) return fn(undefined);
  const tracer = trace.getTracer(TRACER);
  const parent = options.parent ?? context.active();
  const span = tracer.startSpan(spanName(def, options.parts), { kind: KINDS[def.kind], ...(options.attributes === undefined ? {} : { attributes: options.attributes }) }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (e) {
    markFailed(span, e);
    throw e;
  } finally {
    span.end();
  }
}

/** Records a failure on a span: error status, `error.type` (the error's code or class). */
export function markFailed(span: Span | undefined, e: unknown, errorType = errorTypeOf(e)): void {
  if (span === undefined) return;
  span.setAttribute('error.type', errorType);
  span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.message.slice(0, 200) : String(e).slice(0, 200) });
}

/** A low-cardinality name for an error: its PinLater ErrorCode name, else its class name, else `_OTHER`. */
export function errorTypeOf(e: unknown): string {
  if (e instanceof PinLaterError) return ErrorCode[e.code] ?? String(e.code);
  if (typeof e === 'object' && e !== null) {
    const name = (e as { name?: unknown }).name;
    if (typeof name === 'string' && /^[A-Za-z][A-Za-z0-9_]{0,40}$/.test(name)) return name;
  }
  return '_OTHER';
}

/** The W3C `traceparent` of the active span, to carry in an internal RPC; undefined when none. */
export function currentTraceparent(): string | undefined {
  if (!active) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** The context a caller's `traceparent` names (ROOT when absent or malformed). */
export function contextFromTraceparent(traceparent: string | undefined | null): Context {
  if (!active || traceparent === undefined || traceparent === null) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}

/** A remote parent from explicit ids (a Finagle caller: 64-bit ids, widened to W3C's 128-bit trace id). */
export function remoteParent(traceIdHex: string, spanIdHex: string, sampled: boolean | undefined): Context {
  const traceId = traceIdHex.padStart(32, '0');
  const spanId = spanIdHex.padStart(16, '0');
  if (!/^[0-9a-f]{32}$/.test(traceId) || !/^[0-9a-f]{16}$/.test(spanId) || /^0+$/.test(traceId) || /^0+$/.test(spanId)) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, isRemote: true, traceFlags: sampled === false ? TraceFlags.NONE : TraceFlags.SAMPLED });
}

/** The active span's ids, for log lines; undefined when none is recording. */
export function activeSpanIds(): { trace_id: string; span_id: string } | undefined {
  if (!active) return undefined;
  const span = trace.getSpan(context.active());
  if (span === undefined) return undefined;
  const c = span.spanContext();
  return trace.isSpanContextValid(c) ? { trace_id: c.traceId, span_id: c.spanId } : undefined;
}

const SQL_OPERATIONS = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'CREATE', 'DROP', 'ALTER', 'SHOW', 'START', 'COMMIT', 'ROLLBACK', 'SET', 'CALL', 'WITH']);

/** The operation of an SQL statement of ours (its first keyword; `OTHER` for anything unexpected). */
export function sqlOperation(sql: string): string {
  const word = /^\s*(?:\/\*[\s\S]*?\*\/\s*)*([A-Za-z]+)/.exec(sql)?.[1]?.toUpperCase() ?? 'OTHER';
  return SQL_OPERATIONS.has(word) ? word : 'OTHER';
}

/** One MySQL statement in a `mysql <operation>` span (when tracing is on). */
export function tracedSql<T>(sql: string, fn: () => Promise<T>): Promise<T> {
  if (!active) return fn();
  const operation = sqlOperation(sql);
  return inSpan(SPANS.mysqlQuery, { parts: { operation }, attributes: { 'db.system.name': 'mysql', 'db.operation.name': operation } }, fn);
}

/** One Redis command in a `redis <command>` span (when tracing is on); `command` is ours (EVALSHA, ZADD, …). */
export function tracedRedis<T>(command: string, server: string, fn: () => Promise<T>): Promise<T> {
  if (!active) return fn();
  const name = /^[A-Za-z]{1,20}$/.test(command) ? command.toLowerCase() : 'other';
  return inSpan(SPANS.redisCommand, { parts: { command: name }, attributes: { 'db.system.name': 'redis', 'server.address': server } }, fn);
}
