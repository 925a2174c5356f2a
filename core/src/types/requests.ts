import type { TraceContext } from '../telemetry/trace-context';
import type { JobState } from './job-state';
import type { NewJob, DequeuedJob } from './job';

/**
 * Domain requests of the 12 PinLater operations, after Thrift decoding and defaulting.
 * Field semantics are PinLater's (FACTS §2–§3); comments say where a legacy quirk hangs on a field.
 * `trace` (every request a backend serves): the trace the operation belongs to, when the gateway
 * traces (core/src/telemetry/trace-context.ts); backends pass it on, never read it otherwise.
 */

/** The trace of a request (absent when not traced). */
export interface Traced {
  trace?: TraceContext;
}

export interface EnqueueRequest extends Traced {
  queue: string;
  jobs: NewJob[];
}

export interface AckInfo {
  descriptor: string;
  appendCustomStatus: string;
  retryDelayMs: number;
}

export interface AckRequest extends Traced {
  /** The request's queue is used for acks; the descriptor's queue token is ignored (FACTS §4.1). */
  queue: string;
  succeeded: AckInfo[];
  failed: AckInfo[];
}

export interface DequeueRequest extends Traced {
  queue: string;
  limit: number;
  dryRun: boolean;
  /** Fraction of shards to visit, PinLater semantics (`round(n × coverage)`). */
  coverage: number;
  /** Claim descriptor for this request, built once by the service layer (FACTS §4.2). */
  claimDescriptor: string;
  /**
   * Only this priority (internal: a routing gateway serving a migrating queue interleaves both
   * systems priority by priority). `undefined` = every priority, highest first, as PinLater.
   */
  onlyPriority?: number;
}

export interface DequeueResult {
  /** In the order the backend handed them out. */
  jobs: DequeuedJob[];
}

export interface CheckpointItem {
  descriptor: string;
  /** Thrift `string`: stored as its UTF-8 bytes. */
  newBody?: string;
  moveToPending: boolean;
  runAfterMs?: number;
  numOfAttemptsAllowed?: number;
  prependCustomStatus?: string;
}

export interface CheckpointRequest extends Traced {
  queue: string;
  /** `RequestContext.source`, matched against the stored claim descriptor. */
  source: string;
  items: CheckpointItem[];
}

export interface LookupRequest extends Traced {
  descriptors: string[];
  includeBody: boolean;
}

export interface CountRequest extends Traced {
  queue: string;
  state: JobState;
  /** `undefined` = every priority level. */
  priority?: number;
  future: boolean;
  bodyRegex?: string;
}

export interface ScanRequest extends Traced {
  queue: string;
  state: JobState;
  priority?: number;
  future: boolean;
  limit: number;
  bodyRegex?: string;
}

export interface RetryFailedRequest extends Traced {
  queue: string;
  priority: number;
  attemptsToAllow: number;
  /** `undefined` = the server's current time. */
  runAfterMs?: number;
  limit: number;
}

export interface DeleteJobsRequest extends Traced {
  queue: string;
  state: JobState;
  priority: number;
  bodyRegex?: string;
  limit: number;
}
