import type { HealthStatus, UnservedQueues } from '../health/unserved-queues';
import type { JobInfo, PortableJob } from '../types/job';
import type { JobMover } from './job-mover';
import type { JobState } from '../types/job-state';
import type {
  AckRequest,
  CheckpointRequest,
  CountRequest,
  DeleteJobsRequest,
  DequeueRequest,
  DequeueResult,
  EnqueueRequest,
  LookupRequest,
  RetryFailedRequest,
  ScanRequest,
} from '../types/requests';

/** Which system a backend is; also the issuer recorded in the descriptors it hands out. */
export type BackendKind = 'legacy-redis' | 'legacy-mysql' | 'pacer';

/**
 * The one contract every store behind the gateway implements: legacy PinLater Redis, legacy
 * PinLater MySQL and Pacer. The gateway and `migration/` depend on this interface only.
 *
 * Semantics are PinLater's (FACTS §3–§8) unless a backend documents a deviation in
 * `docs/compatibility.md`. Every method rejects with a `PinLaterError` (wire error code) or an
 * `InternalError` (Thrift INTERNAL_ERROR); anything else reaches the client as UNKNOWN.
 *
 * Not in the contract (deliberately): Thrift types, name validation and the deleteQueue password
 * (service layer, `gateway/src/service`), rate limiting (service layer), and piggybacked acks on
 * dequeue (the service layer runs `ackDequeuedJobs` beside `dequeueJobs`, because with per-queue
 * routing the acks may belong to another backend).
 */
export interface PinLaterBackend {
  readonly kind: BackendKind;
  /** Priorities are 1..numPriorityLevels; 1 is the highest. */
  readonly numPriorityLevels: number;

  createQueue(queue: string): Promise<void>;
  /** Password already checked by the caller. */
  deleteQueue(queue: string): Promise<void>;
  /** Descriptors in request order. Not atomic, as in PinLater (FACTS §3.5). */
  enqueueJobs(req: EnqueueRequest): Promise<string[]>;
  dequeueJobs(req: DequeueRequest): Promise<DequeueResult>;
  ackDequeuedJobs(req: AckRequest): Promise<void>;
  checkpointJobs(req: CheckpointRequest): Promise<void>;
  /** Keyed by the descriptor string exactly as sent; absent jobs are omitted. */
  lookupJobs(req: LookupRequest): Promise<Map<string, JobInfo>>;
  getJobCount(req: CountRequest): Promise<number>;
  getQueueNames(): Promise<Set<string>>;
  /** Merged by runAfter descending and truncated to `limit` (FACTS §3.8). */
  scanJobs(req: ScanRequest): Promise<JobInfo[]>;
  retryFailedJobs(req: RetryFailedRequest): Promise<number>;
  deleteJobs(req: DeleteJobsRequest): Promise<number>;

  /** True when this backend issued the descriptor (routing by descriptor alone). */
  ownsDescriptor(descriptor: string): boolean;

  /** Monitoring hooks. */
  runMonitorOnce(): Promise<MonitorReport>;
  health(): Promise<BackendHealth>;

  /** Bulk transfer, for the migration copier. */
  exportJobs(req: ExportRequest): Promise<ExportPage>;
  importJobs(queue: string, jobs: PortableJob[]): Promise<ImportResult[]>;
  /**
   * Exactly-once moves between systems (core/src/interfaces/job-mover.ts). A routing backend,
   * which fronts several systems, has none (it throws): the copier works on each system directly.
   */
  jobMover(): JobMover;

  /** Stops timers and closes connections. Idempotent. */
  close(): Promise<void>;
}

export interface MonitorReport {
  /** Per queue: counts of the monitor's actions in this run. */
  queues: Record<string, { timeoutDone: number; timeoutRetry: number; timeoutEvicted: number; succeededGc: number; failedGc: number }>;
  /** Shards skipped (unhealthy) or failed during this run, with the reason. */
  skippedShards: { shard: string; reason: string }[];
}

export interface ShardHealth {
  shard: string;
  healthy: boolean;
  dequeueOnly: boolean;
  detail?: string;
}

/** A backend's `/health` (docs/health.md says what each backend reports and why). */
export interface BackendHealth {
  kind: BackendKind;
  /** `/health` answers 200 when true, 503 when false. */
  healthy: boolean;
  shards: ShardHealth[];
  /** `ok`, `degraded` (still 200) or `unready` (503); absent: `ok` or `unready`, as `healthy` says. */
  status?: HealthStatus;
  /**
   * Queues the backend cannot serve although its datastore answers (Pacer cluster mode: partitions
   * without a live broker past a grace period). Set only when that is the reason `healthy` is
   * false (or, for a routing gateway, why it is `degraded`): a routing gateway keeps serving its
   * other systems' queues then.
   */
  unserved?: UnservedQueues;
}

export interface ExportRequest {
  queue: string;
  state: JobState;
  priority: number;
  /** Opaque; `undefined` to start. */
  cursor?: string;
  limit: number;
}

export interface ExportPage {
  jobs: PortableJob[];
  /** `undefined` when the export is complete. */
  nextCursor?: string;
}

export interface ImportResult {
  sourceDescriptor: string;
  descriptor: string;
}
