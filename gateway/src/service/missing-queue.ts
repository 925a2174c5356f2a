import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError, QueueNotFoundError } from '../../../core/src/errors/pinlater-error';
import type { BackendKind } from '../../../core/src/interfaces/pinlater-backend';
import { renderUntrusted } from '../../../core/src/util/render-untrusted';

/**
 * How a backend answers for a queue that does not exist (FACTS §3.3, §11.15), which is the answer a
 * name that could never have been created gets at the edge, without reaching the backend:
 *
 * | method                              | strict (MySQL, Pacer) | lenient (Redis)      |
 * |-------------------------------------|-----------------------|----------------------|
 * | enqueueJobs                         | QUEUE_NOT_FOUND       | QUEUE_NOT_FOUND      |
 * | dequeueJobs, ackDequeuedJobs, checkpointJobs | QUEUE_NOT_FOUND | empty / no-op  |
 * | lookupJobs (descriptor's queue)     | UNKNOWN               | omitted              |
 * | getJobCount, scanJobs, retryFailedJobs, deleteJobs | UNKNOWN | 0 / empty          |
 * | deleteQueue                         | done (drops nothing)  | done                 |
 */
export type MissingQueuePolicy = 'strict' | 'lenient';

export function missingQueuePolicy(kind: BackendKind): MissingQueuePolicy {
  return kind === 'legacy-redis' ? 'lenient' : 'strict';
}

/** The QUEUE_NOT_FOUND of enqueue, dequeue, acks and checkpoints. */
export function queueNotFound(name: string): PinLaterError {
  return new QueueNotFoundError(`Queue not found: ${renderUntrusted(name)}`);
}

/** The UNKNOWN a strict backend gives reads and admin calls (a missing table in PinLater). */
export function unknownQueue(name: string): PinLaterError {
  return new PinLaterError(ErrorCode.UNKNOWN, `Queue not found: ${renderUntrusted(name)}`);
}
