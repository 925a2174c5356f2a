import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';

/** PinLater's createQueue check: Java `\w+` full match, i.e. ASCII `[A-Za-z0-9_]+` (FACTS §3.1). */
const VALID_QUEUE_NAME = /^[A-Za-z0-9_]+$/;

/**
 * Longest queue name the gateway accepts (ours; PinLater's Redis backend has no limit, its MySQL
 * backend allows about 58 characters, Pacer 100). Bounds what any name costs in keys, stats and
 * logs. docs/compatibility.md "Gateway: queue names are validated for every method".
 */
export const MAX_QUEUE_NAME_LENGTH = 255;

/** Why a name could never have been created, or undefined when it could have been. */
export type QueueNameProblem = 'invalid' | 'too-long';

export function queueNameProblem(name: string): QueueNameProblem | undefined {
  if (!VALID_QUEUE_NAME.test(name)) return 'invalid';
  if (name.length > MAX_QUEUE_NAME_LENGTH) return 'too-long';
  return undefined;
}

export function isValidQueueName(name: string): boolean {
  return queueNameProblem(name) === undefined;
}

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
