/**
 * How the routing gateway answers a client call naming a queue with the reserved shadow prefix
 * (shadow-queue-name.ts, docs/compatibility.md "Shadow copies: a reserved queue-name prefix"):
 * createQueue is refused as an invalid name; every other call answers as for a queue that does not
 * exist, the way Pacer and PinLater's MySQL backend do (FACTS §11.15): QUEUE_NOT_FOUND for calls
 * on jobs of the queue (enqueue, dequeue, ack, checkpoint, deleteQueue, export, import), UNKNOWN
 * "Queue not found" for queries (count, scan, retry, delete); lookups omit such descriptors.
 */
import { ErrorCode } from '../errors/error-code';
import { PinLaterError, QueueNotFoundError } from '../errors/pinlater-error';
import { renderUntrusted } from '../util/render-untrusted';

/** `create`: createQueue; `jobs`: calls on the queue's jobs; `query`: counts, scans, retries, deletes. */
export type ShadowNameCall = 'create' | 'jobs' | 'query';

export function shadowNameRefusal(queue: string, call: ShadowNameCall): PinLaterError {
  const name = renderUntrusted(queue);
  switch (call) {
    case 'create':
      return new PinLaterError(ErrorCode.QUEUE_NAME_INVALID, `Invalid queue name: ${name} (the prefix is reserved for Pacer's shadow copies)`);
    case 'jobs':
      return new QueueNotFoundError(`Queue not found: ${name}`);
    case 'query':
      return new PinLaterError(ErrorCode.UNKNOWN, `Queue not found: ${name}`);
  }
}
