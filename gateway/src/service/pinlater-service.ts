import type { TraceContext } from '../../../core/src/telemetry/trace-context';
import type { JobInfo } from '../../../core/src/types/job';
import type {
  AckRequest,
  CheckpointItem,
  CountRequest,
  DeleteJobsRequest,
  DequeueResult,
  EnqueueRequest,
  LookupRequest,
  RetryFailedRequest,
  ScanRequest,
} from '../../../core/src/types/requests';

/** IDL `RequestContext`: `source` feeds claim descriptors and checkpoint matching. */
export interface RequestCtx {
  source: string;
  requestId: string;
  /** The call's trace, when traced: put in every backend request (core/src/telemetry/trace-context.ts). */
  trace?: TraceContext;
}

/** A dequeue call as the client made it; the service adds the claim descriptor. */
export interface DequeueCall {
  queue: string;
  limit: number;
  dryRun: boolean;
  coverage: number;
  /** Piggybacked acks (`jobAckRequest`), run beside the dequeue (FACTS §3.6). */
  ack?: AckRequest;
}

export interface ScanCall extends ScanRequest {
  continuation: string;
}

/**
 * The PinLater service in domain terms (PinLaterServiceImpl + the base-layer checks that are not
 * per backend). Failure phases follow PinLater (see `gateway/src/errors/to-thrift-error.ts`): a
 * method *throws synchronously* for what PinLater rejects before building its future (INTERNAL_ERROR)
 * and *rejects* for everything else.
 */
export interface PinLaterService {
  createQueue(ctx: RequestCtx, name: string): Promise<void>;
  /** `password` undefined when the client did not send one (hashed as the text "null"). */
  deleteQueue(ctx: RequestCtx, name: string, password: string | undefined): Promise<void>;
  enqueueJobs(ctx: RequestCtx, req: EnqueueRequest): Promise<string[]>;
  dequeueJobs(ctx: RequestCtx, req: DequeueCall): Promise<DequeueResult>;
  ackDequeuedJobs(ctx: RequestCtx, req: AckRequest): Promise<void>;
  checkpointJobs(ctx: RequestCtx, queue: string, items: CheckpointItem[]): Promise<void>;
  lookupJobs(ctx: RequestCtx, req: LookupRequest): Promise<Map<string, JobInfo>>;
  getJobCount(ctx: RequestCtx, req: CountRequest): Promise<number>;
  getQueueNames(ctx: RequestCtx): Promise<Set<string>>;
  scanJobs(ctx: RequestCtx, req: ScanCall): Promise<JobInfo[]>;
  retryFailedJobs(ctx: RequestCtx, req: RetryFailedRequest): Promise<number>;
  deleteJobs(ctx: RequestCtx, req: DeleteJobsRequest): Promise<number>;
}
