import type { TraceContext } from '../../../core/src/telemetry/trace-context';
import type { DequeuedJob } from '../../../core/src/types/job';
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
}

export interface BrokerDequeueReply {
  /** Claimed durably before the reply. */
  jobs: DequeuedJob[];
  /** Requested partitions the broker does not own (stale routing or fenced). */
  notOwned: number[];
  /** Buffered ready jobs left per requested priority. */
  readyLeft: number[];
}

export interface BrokerNotice {
  queue: string;
  partitions: number[];
  /** Earliest run-after of the jobs that became pending; absent = now. */
  earliestRunAfterMs?: number;
  /** Their priorities; absent = all. */
  priorities?: number[];
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
  close(): Promise<void>;
}

/** The broker at `endpoint` could not be reached; nothing was claimed for this call by our side. */
export class BrokerUnreachableError extends Error {
  constructor(readonly endpoint: BrokerEndpoint, message: string, options?: { cause?: unknown }) {
    super(`Pacer broker ${endpoint.host}:${endpoint.port} unreachable: ${message}`, options);
    this.name = 'BrokerUnreachableError';
  }
}
