import type { TraceContext } from '../../../core/src/telemetry/trace-context';
import type { DequeuedJob } from '../../../core/src/types/job';
import type { AckItem, CheckpointRef } from '../datastore/job-acks';
import type { BrokerEndpoint } from './partition-directory';

export interface BrokerDequeueArgs {
  queue: string;
  /** Partitions to serve from, in visiting order. */
  partitions: number[];
  /** Priorities to serve, priority-major. */
  priorities: number[];
  limit: number;
  claimDescriptor: string;
  /** The caller's trace (the gateway's backend span): the client's span joins it, the broker's follows. */
  trace?: TraceContext;
  /**
   * Claim per job even in lease mode: the caller may write per-job acks itself (a gateway of a
   * release before 2026-12-05, known by a Thrift request without `acksByClaim`; issue 15, rollout).
   */
  perJobOnly?: boolean;
}

export interface BrokerDequeueReply {
  /** Claimed durably before the reply. */
  jobs: DequeuedJob[];
  /** Requested partitions the broker does not own (stale routing or fenced). */
  notOwned: number[];
  /** Buffered ready jobs left per requested priority. */
  readyLeft: number[];
  /** Lease mode: the lease claiming each job, parallel to `jobs` (absent for per-job claims). */
  leaseIds?: bigint[];
}

export interface BrokerNotice {
  queue: string;
  partitions: number[];
  /** Earliest run-after of the jobs that became pending; absent = now. */
  earliestRunAfterMs?: number;
  /** Their priorities; absent = all. */
  priorities?: number[];
  /**
   * Lease mode: jobs the API acked itself by their lease (api/direct-acks.ts). The broker
   * reads their rows and drops those found settled from its lease map.
   */
  settled?: Array<{ partition: number; id: number }>;
}

/** Acks of one queue's jobs for their owning broker (lease mode: only it knows which lease claims a job). */
export interface BrokerAckArgs {
  queue: string;
  succeeded: AckItem[];
  failed: AckItem[];
}

export interface BrokerAckReply {
  /** Partitions of the acks the broker does not own: nothing of theirs was acked; ask their new owner. */
  notOwned: number[];
}

/** Checkpoint items of one queue's jobs for their owning broker (lease mode), in request order. */
export interface BrokerCheckpointArgs {
  queue: string;
  source: string;
  items: CheckpointRef[];
}

export interface BrokerCheckpointReply {
  /** Partitions of the items the broker does not own: nothing of theirs was applied. */
  notOwned: number[];
  /** Items applied that changed nothing. */
  noops: number;
}

/**
 * How the stateless API reaches dequeue brokers: Thrift (`pacer/thrift/broker.thrift`) between
 * processes, direct calls for an embedded broker. Rejects with `BrokerUnreachableError` when the
 * broker cannot be reached (connection refused/lost, timeout), with a `PinLaterError` when the
 * broker answered with an error.
 */
export interface BrokerClient {
  dequeue(endpoint: BrokerEndpoint, args: BrokerDequeueArgs): Promise<BrokerDequeueReply>;
  notifyPending(endpoint: BrokerEndpoint, notice: BrokerNotice): Promise<void>;
  /** Lease mode's acks (issue 15): to the broker owning the jobs' partitions. */
  ack(endpoint: BrokerEndpoint, args: BrokerAckArgs): Promise<BrokerAckReply>;
  /** Lease mode's checkpoints (a checkpoint renews a job's lease): to the broker owning the jobs' partitions. */
  checkpoint(endpoint: BrokerEndpoint, args: BrokerCheckpointArgs): Promise<BrokerCheckpointReply>;
  close(): Promise<void>;
}

/** The broker at `endpoint` could not be reached; nothing was claimed for this call by our side. */
export class BrokerUnreachableError extends Error {
  constructor(readonly endpoint: BrokerEndpoint, message: string, options?: { cause?: unknown }) {
    super(`Pacer broker ${endpoint.host}:${endpoint.port} unreachable: ${message}`, options);
    this.name = 'BrokerUnreachableError';
  }
}
