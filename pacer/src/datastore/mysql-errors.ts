import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError, QueueNotFoundError, ShardConnectionError } from '../../../core/src/errors/pinlater-error';
import { coerceError } from '../../../core/src/errors/coerce-error';

/** MySQL/driver error codes Pacer treats specially. */
const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_CON_COUNT_ERROR', 'POOL_CLOSED', 'POOL_ENQUEUELIMIT',
]);

/** Retryable (deadlock / lock wait) errors, for callers that retry. */
export const RETRYABLE_MYSQL_ERRORS = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

export function mysqlErrorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isConnectionError(e: unknown): boolean {
  const code = mysqlErrorCode(e);
  return code !== undefined && CONNECTION_ERRORS.has(code);
}

/**
 * Maps a driver error to a PinLater error: lost/refused connections → SHARD_CONNECTION_FAILED
 * (PinLater's MySQL backend answers UNKNOWN there; docs/compatibility.md, Pacer), a job that
 * references a missing queue (FK 1452) → QUEUE_NOT_FOUND, anything else → UNKNOWN with the
 * driver's message. PinLater errors pass through unchanged.
 */
export function toPinLaterError(e: unknown): PinLaterError {
  if (e instanceof PinLaterError) return e;
  const err = coerceError(e);
  const code = mysqlErrorCode(e);
  if (isConnectionError(e)) return new ShardConnectionError(`Pacer MySQL connection failed: ${code}: ${err.message}`, { cause: e });
  if (code === 'ER_NO_REFERENCED_ROW_2' || code === 'ER_NO_REFERENCED_ROW') {
    return new QueueNotFoundError('Pacer queue not found (deleted while in use)', { cause: e });
  }
  return new PinLaterError(ErrorCode.UNKNOWN, `${code ?? err.name}: ${err.message}`, { cause: e });
}
