/**
 * What a worker has done since it started, in memory: for its status endpoint
 * (worker-status-server.ts), its log lines and tests. The metrics (worker-instruments.ts) count the
 * same outcomes for Prometheus.
 *
 * A job's outcome (`JobResult`): succeeded; retried (acked failed while attempts remained: PinLater
 * runs it again); failed (acked failed with no attempt left, or a non-retryable error); released
 * (handed back to PENDING unfinished at shutdown, no attempt consumed).
 */
export type JobResult = 'succeeded' | 'retried' | 'failed' | 'released';

export interface WorkerCounts {
  /** Jobs received from dequeues. */
  dequeued: number;
  /** Dequeues that returned no job, and dequeues refused as rate-limited: each followed by an idle wait. */
  emptyDequeues: number;
  rateLimited: number;
  succeeded: number;
  retried: number;
  failed: number;
  released: number;
  /** Acks the gateway accepted: piggybacked on a dequeue, or in an ack call of their own. */
  acksPiggybacked: number;
  acksSentAlone: number;
  /** Acks given up (the gateway refused them repeatedly); the claim timeout retries those jobs. */
  acksDropped: number;
  heartbeats: number;
  /** Calls to the gateway that failed (each retried after a backoff), and reconnections after a loss. */
  callErrors: number;
  reconnects: number;
}

export class WorkerCounters {
  private readonly counts: WorkerCounts = {
    dequeued: 0, emptyDequeues: 0, rateLimited: 0, succeeded: 0, retried: 0, failed: 0, released: 0,
    acksPiggybacked: 0, acksSentAlone: 0, acksDropped: 0, heartbeats: 0, callErrors: 0, reconnects: 0,
  };

  add(name: keyof WorkerCounts, n = 1): void {
    this.counts[name] += n;
  }

  snapshot(): WorkerCounts {
    return { ...this.counts };
  }
}
