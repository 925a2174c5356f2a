import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import { MAX_QUEUE_NAME_LENGTH, type QueueNameProblem } from '../../../core/src/types/queue-name';

/** The rule itself is in the kernel (core/src/types/queue-name.ts); this module adds PinLater's error texts. */
export { MAX_QUEUE_NAME_LENGTH, isValidQueueName, queueNameProblem } from '../../../core/src/types/queue-name';
export type { QueueNameProblem } from '../../../core/src/types/queue-name';

/** createQueue's answer for a name that fails `queueNameProblem`. */
export function createQueueNameError(name: string, problem: QueueNameProblem): PinLaterError {
  // PinLater's exact text (the name as sent): the conformance suite pins it, and it only goes back
  // to the caller who sent it.
  if (problem === 'invalid') return new PinLaterError(ErrorCode.QUEUE_NAME_INVALID, `Invalid queue name: ${name}`);
  return new PinLaterError(
    ErrorCode.QUEUE_NAME_TOO_LONG,
    `Queue name is too long by ${name.length - MAX_QUEUE_NAME_LENGTH} characters. The maximum is ${MAX_QUEUE_NAME_LENGTH} characters.`,
  );
}
