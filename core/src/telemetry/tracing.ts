/**
 * Spans, through the process-global tracer provider that process-telemetry.ts registers when
 * tracing is on. Every span name comes from the catalogue (telemetry-catalogue.ts `SPANS`). When
 * tracing is off these helpers run the work directly: no span object, no context switch.
 *
 * Parents are handed along explicitly (trace-context.ts): `inSpan` gives its callback the span's
 * context to pass on. Only with PINLATER_TRACE_STORE_WORK (`summary` or `commands`) is there an
 * ambient context (AsyncLocalStorage), which the Redis and MySQL layers read (store-work.ts).
 */
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { ErrorCode } from '../errors/error-code';
import { PinLaterError } from '../errors/pinlater-error';
import { commandSpan, emitStoreWork, hasSpan, storeWorkOf, tallied, withStoreWork, type StoreSystem, type StoreWork } from './store-work';
import { spanName, type SpanDef } from './telemetry-catalogue';

const TRACER = 'pinlater';
let active = false;
/** PINLATER_TRACE_STORE_WORK (store-work.ts): off, one summary span per operation and store, or a span per command. */
export type StoreWorkTracing = 'off' | 'summary' | 'commands';
let storeWork: StoreWorkTracing = 'off';

/** Set by process-telemetry.ts only (which registers the ambient context manager when `storeWork` is not off). */
export function setTracingActive(on: boolean, options: { readonly storeWork?: StoreWorkTracing } = {}): void {
  active = on;
  storeWork = on ? (options.storeWork ?? 'off') : 'off';
}

export function tracingActive(): boolean {
  return active;
}

/** Whether Redis/MySQL work is traced at all (PINLATER_TRACE_STORE_WORK not off): the store layers' fast path. */
export function storeWorkTraced(): boolean {
  return storeWork !== 'off';
}

const KINDS = { SERVER: SpanKind.SERVER, CLIENT: SpanKind.CLIENT, INTERNAL: SpanKind.INTERNAL } as const;

export interface SpanOptions {
  readonly parts?: Readonly<Record<string, string>>;
  readonly attributes?: Attributes;
  /** The parent (the caller's trace context, or a remote caller's); default: the ambient context (root without PINLATER_TRACE_STORE_WORK). */
  readonly parent?: Context;
  /** Only as a child of a span: work of background loops (no parent span) is not traced. */
  readonly onlyAsChild?: boolean;
  /** Collect the Redis/MySQL work done inside into one summary span per store (store-work.ts). */
  readonly collectStoreWork?: boolean;
}

/**
 * Runs `fn` inside a span named from `def`; ends it with an error status (and `error.type`) when
 * `fn` fails. `fn` gets the span (undefined when tracing is off or no span was made) to add
 * attributes to, and its context to hand to the work it starts (undefined likewise).
 */
export async function inSpan<T>(def: SpanDef, options: SpanOptions, fn: (span: Span | undefined, ctx: Context | undefined) => Promise<T>): Promise<T> {
  if (!active) return fn(undefined, options.parent);
  const parent = options.parent ?? context.active();
  if (options.onlyAsChild === true && !hasSpan(parent)) return fn(undefined, options.parent);
  const tracer = trace.getTracer(TRACER);
  const span = tracer.startSpan(spanName(def, options.parts), { kind: KINDS[def.kind], ...(options.attributes === undefined ? {} : { attributes: options.attributes }) }, parent);
  let inner = trace.setSpan(parent, span);
  let work: StoreWork | undefined;
  if (options.collectStoreWork === true && storeWork === 'summary') [inner, work] = withStoreWork(inner);
  try {
    return await (storeWork === 'off' ? fn(span, inner) : context.with(inner, () => fn(span, inner)));
  } catch (e) {
    markFailed(span, e);
    throw e;
  } finally {
    if (work !== undefined) emitStoreWork(tracer, inner, work);
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

/** The W3C `traceparent` of `ctx`'s span, to carry in an internal RPC; undefined when none. */
export function traceparentOf(ctx: Context | undefined): string | undefined {
  if (!active || ctx === undefined) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
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

/** The active (ambient) span's ids, for log lines (core/src/logging/logger.ts); undefined when none. */
export function activeSpanIds(): { trace_id: string; span_id: string } | undefined {
  if (!active || storeWork === 'off') return undefined;
  return spanIdsOf(context.active());
}

/** The ids of `ctx`'s span, for a log line written in its scope; undefined when none. */
export function spanIdsOf(ctx: Context | undefined): { trace_id: string; span_id: string } | undefined {
  if (!active || ctx === undefined) return undefined;
  const span = trace.getSpan(ctx);
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

/**
 * Redis and MySQL work is traced only as part of a traced operation: added to the operation's
 * store-work tally (store-work.ts), or, with PINLATER_TRACE_STORE_WORK=commands, a span per command
 * under the active span. Background loops (monitors, refills, the copier) start no traces.
 */
function traceStore<T>(system: StoreSystem, command: string, fn: () => Promise<T>): Promise<T> {
  const ctx = context.active();
  if (storeWork === 'commands') return hasSpan(ctx) ? commandSpan(trace.getTracer(TRACER), ctx, system, command, fn) : fn();
  const work = storeWorkOf(ctx);
  return work === undefined ? fn() : tallied(work, system, command, fn);
}

/** One MySQL statement of a traced operation (store-work.ts); `sql` is ours, its first keyword names it. */
export function tracedSql<T>(sql: string, fn: () => Promise<T>): Promise<T> {
  if (storeWork === 'off') return fn();
  return traceStore('mysql', sqlOperation(sql), fn);
}

/** One Redis command of a traced operation (store-work.ts); `command` is ours (EVALSHA, ZADD, …). */
export function tracedRedis<T>(command: string, fn: () => Promise<T>): Promise<T> {
  if (storeWork === 'off') return fn();
  return traceStore('redis', /^[A-Za-z]{1,20}$/.test(command) ? command.toLowerCase() : 'other', fn);
}
