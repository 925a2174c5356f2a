/**
 * A worker's lifecycle state and whether it is ready to take jobs, from what its dequeue loop
 * knows (worker.ts), for the readiness probe (`GET /health` of worker-status-server.ts):
 *
 * - not ready before `start()`, and from the moment `close()` begins (SIGTERM: no more dequeues);
 * - not ready until a call of its loop (a dequeue, or acks sent alone) got an answer from the
 *   gateway: jobs, an empty reply, or a refusal (a rate limit, a PinLaterException): the gateway
 *   answered, so it is reachable;
 * - not ready while its last UNREACHABLE_AFTER_CALLS calls in a row got no answer (the connection
 *   could not be made, was lost, or the call timed out); the next answer makes it ready again.
 *
 * A worker whose loop waits for a free slot (every job slot busy) makes no call, so it keeps what
 * it last knew.
 */

export type WorkerState = 'created' | 'running' | 'closing' | 'closed';

export interface WorkerReadiness {
  readonly ready: boolean;
  /** Why it is not ready; absent when it is. */
  readonly reason?: string;
}

/** What the dequeue loop knows about the gateway. */
export interface GatewayContact {
  /** A call of the loop got an answer since the worker started. */
  readonly answered: boolean;
  /** Calls of the loop in a row that got no answer, since the last answer. */
  readonly unansweredCalls: number;
}

/** Calls in a row without an answer after which the gateway counts as unreachable (one lost connection or timeout alone does not). */
export const UNREACHABLE_AFTER_CALLS = 3;

export function workerReadiness(state: WorkerState, contact: GatewayContact): WorkerReadiness {
  if (state === 'created') return notReady('not started');
  if (state === 'closing') return notReady('stopping: no more dequeues, finishing the jobs in flight');
  if (state === 'closed') return notReady('stopped');
  if (contact.unansweredCalls >= UNREACHABLE_AFTER_CALLS) return notReady(`gateway unreachable: the last ${contact.unansweredCalls} calls got no answer`);
  if (!contact.answered) return notReady('no answer from the gateway yet');
  return { ready: true };
}

function notReady(reason: string): WorkerReadiness {
  return { ready: false, reason };
}
