/**
 * PinLater's queue-name rule, in the kernel because more than the gateway needs it: the gateway
 * validates every call's queue (gateway/src/service/queue-name.ts adds PinLater's error texts),
 * and the routing table (migration/src/routing/routing-paths.ts) uses queue names as znode names,
 * which is safe only for names this rule accepts (no `/`, no `.`, nothing ZooKeeper reserves).
 */

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
