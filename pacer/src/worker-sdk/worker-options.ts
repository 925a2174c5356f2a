/**
 * A worker's options, compiled once into a validated, frozen `WorkerConfig` (Temporal's
 * `compileWorkerOptions`): defaults filled in, every value checked, and every problem reported
 * at once in one `ConfigError` (core/src/config/parse-config.ts), e.g.
 *
 *   Invalid worker configuration:
 *     - queue: a PinLater queue name (1-255 of [A-Za-z0-9_])
 *     - concurrency: an integer from 1 to 1000
 *
 * Unknown keys are problems too (a misspelt option must not silently fall back to its default).
 * Times are milliseconds (`…Ms`). The worker and everything it builds read only the compiled config.
 */
import { hostname } from 'node:os';
import type { Meter } from '@opentelemetry/api';
import { z } from 'zod';
import { envBindAddress } from '../../../core/src/config/env-schema';
import { ConfigError } from '../../../core/src/config/parse-config';
import { createLogger, type Logger } from '../../../core/src/logging/logger';
import { isValidQueueName } from '../../../core/src/types/queue-name';
import type { Backoff } from './backoff';
import type { JobHandler } from './job';

export interface GatewayAddress {
  readonly host: string;
  readonly port: number;
}

export interface BackoffOptions {
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
}

export interface WorkerOptions {
  /** The PinLater Thrift endpoint (the routing gateway, or any PinLater server): `{ host, port }` or `'host:port'`. */
  readonly gateway: GatewayAddress | string;
  readonly queue: string;
  readonly handler: JobHandler;
  /** Jobs in flight at most (the dequeue limit is what is free). @default 10 */
  readonly concurrency?: number;
  /** The pool the worker belongs to: in its logs and its source. @default the queue */
  readonly pool?: string;
  /**
   * `RequestContext.source` of its calls: PinLater puts it in claim descriptors and a checkpoint
   * must match it, so it must be unique per worker. @default `pinlater-worker:<pool>:<host>:<pid>:<random>`
   */
  readonly source?: string;
  /** A failed job's retry delay when the handler does not choose one (backoff.ts). @default 1 s doubling to 10 min */
  readonly retryBackoff?: BackoffOptions;
  /** The wait after an empty or rate-limited dequeue. @default 50 ms doubling to 2 s */
  readonly idleBackoff?: BackoffOptions;
  /** The wait after a failed call before the next (reconnecting when the connection is gone). @default 100 ms doubling to 5 s */
  readonly reconnectBackoff?: BackoffOptions;
  /** Checkpoint heartbeat of a running job; keep it well under the queue's claim timeout (PinLater: 180 s). 0 = none. @default 30 s */
  readonly heartbeatIntervalMs?: number;
  /** Acks piggybacked on one dequeue (or sent in one ack call) at most. @default 1000 */
  readonly maxAcksPerCall?: number;
  /** Bound on each call to the gateway. @default 15 s */
  readonly callTimeoutMs?: number;
  /** @default 5 s */
  readonly connectTimeoutMs?: number;
  /** `close()`'s deadline when it names none (SIGTERM). @default 30 s */
  readonly shutdownDeadlineMs?: number;
  /** The process's logger (core/src/logging/logger.ts); the worker logs through a child. @default a pino JSON logger at info */
  readonly logger?: Logger;
  /** OpenTelemetry meter for the worker's metrics (core/src/telemetry/telemetry-catalogue.ts WORKER_SDK_METRICS). @default none */
  readonly meter?: Meter;
  /** Random source of the jitter (tests). @default Math.random */
  readonly random?: () => number;
  /**
   * Where the process's status port (WorkerStatusServer: `/health`, `/live`, `/metrics`) listens;
   * the worker serves nothing itself, its entry point does (pacer/examples/example-worker-process.ts).
   * @default none (no status port)
   */
  readonly statusPort?: number;
  /** The status port's address: 127.0.0.1 this host only, 0.0.0.0 every interface (a pod the kubelet probes). @default 127.0.0.1 */
  readonly statusHost?: string;
}

/** The compiled options: every default filled in, every value valid. */
export interface WorkerConfig {
  readonly gateway: GatewayAddress;
  readonly queue: string;
  readonly handler: JobHandler;
  readonly concurrency: number;
  readonly pool: string;
  readonly source: string;
  readonly retryBackoff: Backoff;
  readonly idleBackoff: Backoff;
  readonly reconnectBackoff: Backoff;
  readonly heartbeatIntervalMs: number;
  readonly maxAcksPerCall: number;
  readonly callTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly shutdownDeadlineMs: number;
  readonly logger: Logger;
  readonly meter: Meter | undefined;
  readonly random: () => number;
  readonly statusPort: number | undefined;
  readonly statusHost: string;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
export const MAX_CONCURRENCY = 1000;

export const WORKER_DEFAULTS = {
  concurrency: 10,
  retryBackoff: { initialDelayMs: SECOND, maxDelayMs: 10 * MINUTE },
  idleBackoff: { initialDelayMs: 50, maxDelayMs: 2 * SECOND },
  reconnectBackoff: { initialDelayMs: 100, maxDelayMs: 5 * SECOND },
  heartbeatIntervalMs: 30 * SECOND,
  maxAcksPerCall: 1000,
  callTimeoutMs: 15 * SECOND,
  connectTimeoutMs: 5 * SECOND,
  shutdownDeadlineMs: 30 * SECOND,
} as const;

const SOURCE_CHARS = /^[\w.:-]{1,100}$/;
const POOL_CHARS = /^[\w.-]{1,100}$/;

const intIn = (min: number, max: number) => z.number({ error: `an integer from ${min} to ${max}` }).int().min(min).max(max);
const fn = <T>(what: string) => z.custom<T>((v) => typeof v === 'function', { message: what });
const backoff = (defaults: Backoff) => z.strictObject({
  initialDelayMs: intIn(1, 24 * 60 * MINUTE).default(defaults.initialDelayMs),
  maxDelayMs: intIn(1, 24 * 60 * MINUTE).default(defaults.maxDelayMs),
}).refine((b) => b.initialDelayMs <= b.maxDelayMs, 'initialDelayMs must not exceed maxDelayMs').default({ ...defaults });

const gateway = z.unknown().transform((value, ctx): GatewayAddress => {
  const parsed = parseGatewayAddress(value);
  if (typeof parsed === 'string') {
    ctx.addIssue({ code: 'custom', message: parsed });
    return z.NEVER;
  }
  return parsed;
});

const schema = z.strictObject({
  gateway,
  queue: z.string({ error: 'a PinLater queue name (1-255 of [A-Za-z0-9_])' }).refine(isValidQueueName, 'a PinLater queue name (1-255 of [A-Za-z0-9_])'),
  handler: fn<JobHandler>('a function (job) => Promise<void>'),
  concurrency: intIn(1, MAX_CONCURRENCY).default(WORKER_DEFAULTS.concurrency),
  pool: z.string({ error: '1-100 of [A-Za-z0-9_.-]' }).regex(POOL_CHARS, '1-100 of [A-Za-z0-9_.-]').optional(),
  source: z.string({ error: '1-100 of [A-Za-z0-9_.:-]' }).regex(SOURCE_CHARS, '1-100 of [A-Za-z0-9_.:-] (it goes into claim descriptors, PinLater MySQL keeps 200 characters of those)').optional(),
  retryBackoff: backoff(WORKER_DEFAULTS.retryBackoff),
  idleBackoff: backoff(WORKER_DEFAULTS.idleBackoff),
  reconnectBackoff: backoff(WORKER_DEFAULTS.reconnectBackoff),
  heartbeatIntervalMs: intIn(0, 24 * 60 * MINUTE).default(WORKER_DEFAULTS.heartbeatIntervalMs),
  maxAcksPerCall: intIn(1, 100_000).default(WORKER_DEFAULTS.maxAcksPerCall),
  callTimeoutMs: intIn(10, 10 * MINUTE).default(WORKER_DEFAULTS.callTimeoutMs),
  connectTimeoutMs: intIn(10, 10 * MINUTE).default(WORKER_DEFAULTS.connectTimeoutMs),
  shutdownDeadlineMs: intIn(100, 24 * 60 * MINUTE).default(WORKER_DEFAULTS.shutdownDeadlineMs),
  logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null && typeof (v as Logger).child === 'function', { message: 'a pino logger (core/src/logging/logger.ts)' }).optional(),
  meter: z.custom<Meter>((v) => typeof v === 'object' && v !== null && typeof (v as Meter).createCounter === 'function', { message: 'an OpenTelemetry Meter' }).optional(),
  random: fn<() => number>('a function () => number in [0, 1)').optional(),
  statusPort: intIn(1, 65_535).optional(),
  statusHost: envBindAddress(),
});

/** Where a problem is reported: the option's name, unless the caller says where the value came from (an environment variable). */
export type ProblemPlaces = Partial<Record<keyof WorkerOptions, string>>;

/** Validates `options` once; throws one ConfigError naming every problem. */
export function compileWorkerOptions(options: WorkerOptions, places: ProblemPlaces = {}): WorkerConfig {
  const result = schema.safeParse(options);
  if (!result.success) {
    throw new ConfigError('worker configuration', result.error.issues.map((issue) => {
      const [head, ...rest] = issue.path.map(String);
      const where = head === undefined ? '' : [places[head as keyof WorkerOptions] ?? head, ...rest].join('.');
      return where === '' ? issue.message : `${where}: ${issue.message}`;
    }));
  }
  const v = result.data;
  const pool = v.pool ?? v.queue;
  return Object.freeze({
    ...v,
    pool,
    source: v.source ?? defaultSource(pool, v.random ?? Math.random),
    logger: v.logger ?? createLogger({ name: 'pinlater-worker', level: 'info' }),
    meter: v.meter,
    random: v.random ?? Math.random,
    statusPort: v.statusPort,
  });
}

/** `host:port`, `[v6]:port` or `{ host, port }`; a problem's text otherwise. */
export function parseGatewayAddress(value: unknown): GatewayAddress | string {
  const problem = 'host:port of the PinLater gateway, e.g. 127.0.0.1:9010 (or { host, port })';
  let host: unknown;
  let port: unknown;
  if (typeof value === 'string') {
    const m = /^(?:\[([^\]]+)\]|([^\s:[\]]+)):(\d{1,5})$/.exec(value.trim());
    if (m === null) return problem;
    host = m[1] ?? m[2];
    port = Number(m[3]);
  } else if (typeof value === 'object' && value !== null) {
    ({ host, port } = value as { host?: unknown; port?: unknown });
    if (Object.keys(value).some((k) => k !== 'host' && k !== 'port')) return `${problem}; only host and port`;
  } else {
    return problem;
  }
  if (typeof host !== 'string' || host === '' || /\s/.test(host)) return problem;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535) return `${problem}; the port from 1 to 65535`;
  return { host, port };
}

/** Unique per worker: the claim descriptors of its jobs contain it, and its checkpoints must match them. */
function defaultSource(pool: string, random: () => number): string {
  const host = hostname().replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 40);
  const tag = Math.floor(random() * 0x100000000).toString(16).padStart(8, '0');
  return `pinlater-worker:${pool.slice(0, 30)}:${host}:${process.pid}:${tag}`.slice(0, 100);
}
