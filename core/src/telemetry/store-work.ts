/**
 * The Redis and MySQL work of one traced operation, as ONE child span per store system
 * (`redis <command>`, `mysql <OPERATION>`; `batch`/`BATCH` when the commands differ) covering the
 * first command's start to the last one's end, with the number of commands
 * (`db.operation.batch.size`) and of failed ones. A PinLater dequeue on a legacy Redis cluster runs
 * one script per shard and priority, an enqueue one per job: a span for each would be a dozen spans
 * per call, and at full sampling would cost several times the call itself (bench/telemetry-overhead.ts).
 * Only with `PINLATER_TRACE_STORE_WORK=summary`; `commands` gives a span per command instead, for a
 * close look. Both need the ambient context (AsyncLocalStorage; its cost: trace-context.ts).
 *
 * The operation that collects is the span opened with `collectStoreWork` (a gateway's
 * `backend <operation>`, a broker's `PacerBroker/<method>`): its context carries the tally, the
 * store layers add to it (tracing.ts `tracedRedis` / `tracedSql`), and the summary spans are
 * written when it ends.
 */
import { createContextKey, SpanKind, SpanStatusCode, trace, type Context, type Tracer } from '@opentelemetry/api';
import { SPANS, spanName } from './telemetry-catalogue';

export type StoreSystem = 'redis' | 'mysql';

interface Tally {
  count: number;
  failed: number;
  /** Epoch ms (fractional). */
  startMs: number;
  endMs: number;
  /** The first command's name; `mixed` once another name was seen. */
  command: string;
  mixed: boolean;
}

export type StoreWork = Partial<Record<StoreSystem, Tally>>;

const STORE_WORK = createContextKey('pinlater.store-work');

/** `ctx` with a fresh tally, and the tally. */
export function withStoreWork(ctx: Context): [Context, StoreWork] {
  const work: StoreWork = {};
  return [ctx.setValue(STORE_WORK, work), work];
}

export function storeWorkOf(ctx: Context): StoreWork | undefined {
  return ctx.getValue(STORE_WORK) as StoreWork | undefined;
}

/** Runs one store command, adding its timing to `work`. */
export async function tallied<T>(work: StoreWork, system: StoreSystem, command: string, fn: () => Promise<T>): Promise<T> {
  const startMs = nowMs();
  let ok = false;
  try {
    const result = await fn();
    ok = true;
    return result;
  } finally {
    const t = work[system];
    const endMs = nowMs();
    if (t === undefined) {
      work[system] = { count: 1, failed: ok ? 0 : 1, startMs, endMs, command, mixed: false };
    } else {
      t.count += 1;
      if (!ok) t.failed += 1;
      if (startMs < t.startMs) t.startMs = startMs;
      if (endMs > t.endMs) t.endMs = endMs;
      if (command !== t.command) t.mixed = true;
    }
  }
}

/** Writes the summary span of each store system `work` saw, as children of `parent`. */
export function emitStoreWork(tracer: Tracer, parent: Context, work: StoreWork): void {
  for (const system of ['redis', 'mysql'] as const) {
    const t = work[system];
    if (t === undefined) continue;
    const def = system === 'redis' ? SPANS.redisCommand : SPANS.mysqlQuery;
    const command = t.mixed ? (system === 'redis' ? 'batch' : 'BATCH') : t.command;
    const span = tracer.startSpan(spanName(def, system === 'redis' ? { command } : { operation: command }), {
      kind: SpanKind.CLIENT,
      startTime: t.startMs,
      attributes: { 'db.system.name': system, 'db.operation.name': command, 'db.operation.batch.size': t.count, ...(t.failed > 0 ? { 'pinlater.store.failed': t.failed } : {}) },
    }, parent);
    if (t.failed > 0) span.setStatus({ code: SpanStatusCode.ERROR, message: `${t.failed} of ${t.count} ${system} command(s) failed` });
    span.end(t.endMs);
  }
}

/** One store command as a span of its own (PINLATER_TRACE_STORE_WORK=commands): a leaf, no context switch. */
export async function commandSpan<T>(tracer: Tracer, parent: Context, system: StoreSystem, command: string, fn: () => Promise<T>): Promise<T> {
  const def = system === 'redis' ? SPANS.redisCommand : SPANS.mysqlQuery;
  const span = tracer.startSpan(spanName(def, system === 'redis' ? { command } : { operation: command }), {
    kind: SpanKind.CLIENT, attributes: { 'db.system.name': system, 'db.operation.name': command },
  }, parent);
  try {
    return await fn();
  } catch (e) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.message.slice(0, 200) : String(e).slice(0, 200) });
    throw e;
  } finally {
    span.end();
  }
}

/** Whether `ctx` has a span (store work outside any traced operation is not traced). */
export function hasSpan(ctx: Context): boolean {
  return trace.getSpan(ctx) !== undefined;
}

function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
