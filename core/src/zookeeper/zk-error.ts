import { withBackoff, type RetryRule } from '../util/retry-backoff';

/**
 * ZooKeeper failures with the server's numeric code (node-zookeeper-client `Exception` codes),
 * plus the retry table for transient ones (STYLE §5: retry classification as data; the loop and
 * the jittered delays are core/src/util/retry-backoff.ts, shared with MySQL's table).
 */

export const ZkCode = {
  CONNECTION_LOSS: -4,
  OPERATION_TIMEOUT: -7,
  NO_NODE: -101,
  /** The session's identities lack the permission the ACL asks for. */
  NO_AUTH: -102,
  BAD_VERSION: -103,
  NODE_EXISTS: -110,
  NOT_EMPTY: -111,
  SESSION_EXPIRED: -112,
  INVALID_ACL: -114,
} as const;

export class ZkError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    readonly path: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`ZooKeeper ${codeName}${path ? ` at ${path}` : ''}`, options);
    this.name = 'ZkError';
  }

  static is(e: unknown, code: number): e is ZkError {
    return e instanceof ZkError && e.code === code;
  }
}

/** Transient codes and how to retry them; anything else fails at once. */
export const ZK_RETRYABLE: ReadonlyMap<number, RetryRule> = new Map([
  [ZkCode.CONNECTION_LOSS, { minDelayMs: 50, maxDelayMs: 1000, attempts: 6 }],
  [ZkCode.OPERATION_TIMEOUT, { minDelayMs: 100, maxDelayMs: 2000, attempts: 4 }],
]);

/**
 * Runs `op`, retrying the transient codes of `ZK_RETRYABLE`. Callers must make `op` safe to repeat
 * (a create that succeeded before the connection dropped comes back as NODE_EXISTS).
 */
export function withZkRetries<T>(op: () => Promise<T>): Promise<T> {
  return withBackoff(op, (e) => (e instanceof ZkError ? ZK_RETRYABLE.get(e.code) : undefined));
}
