import { ErrorCode } from './error-code';

/**
 * A domain error that reaches the client as `PinLaterException{errorCode, message}`.
 * Backends throw these (or subclasses); the gateway maps them in exactly one place
 * (`gateway/src/errors/to-thrift-error.ts`). Branch on `code`, never on `message`.
 */
export class PinLaterError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'PinLaterError';
  }

  static is(e: unknown, code?: ErrorCode): e is PinLaterError {
    return e instanceof PinLaterError && (code === undefined || e.code === code);
  }
}

/** A queue (database, table or queue-name set entry) does not exist. */
export class QueueNotFoundError extends PinLaterError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.QUEUE_NOT_FOUND, message, options);
    this.name = 'QueueNotFoundError';
  }
}

/** A datastore connection failed after the configured automatic retries. */
export class ShardConnectionError extends PinLaterError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.SHARD_CONNECTION_FAILED, message, options);
    this.name = 'ShardConnectionError';
  }
}

/** No healthy shard can take the request. */
export class NoHealthyShardsError extends PinLaterError {
  constructor(message = 'Unable to find healthy shard', options?: { cause?: unknown }) {
    super(ErrorCode.NO_HEALTHY_SHARDS, message, options);
    this.name = 'NoHealthyShardsError';
  }
}

/**
 * A request whose work would exceed a configured budget (a body filter's match steps or statement
 * time, a batch larger than the gateway accepts). PinLater has no error code for "too expensive",
 * and a new enum value would make every generated client fail to read the exception (an unknown
 * enum value for the required `errorCode`), so it travels as UNKNOWN with a message that says
 * which budget and how to stay within it. Never retried.
 */
export class BudgetExceededError extends PinLaterError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.UNKNOWN, message, options);
    this.name = 'BudgetExceededError';
  }
}
