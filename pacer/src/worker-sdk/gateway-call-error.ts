/**
 * Why a worker's call to the gateway failed, classified once (gateway-connection.ts) so the worker
 * decides on a kind, never on message text:
 *
 * - `rate-limited`: PinLaterException DEQUEUE_RATE_LIMITED; the piggybacked acks did not run
 *   (FACTS §3.6). The worker waits as for an empty queue.
 * - `pinlater`: another PinLaterException (QUEUE_NOT_FOUND, UNKNOWN, SHARD_CONNECTION_FAILED, …).
 * - `application`: a TApplicationException (INTERNAL_ERROR and the like: a bad request, a server bug).
 * - `connection`: no answer: the connection could not be made, was lost while the call waited
 *   (a gateway restart), or the call timed out. Whether the call ran is unknown.
 *
 * `errorType` is the bounded value of the `error.type` metric label: the ErrorCode name, or
 * connect_failed, connection_lost, timeout, application_error, closed.
 */
import { ErrorCode } from '../../../core/src/errors/error-code';

export type CallFailureKind = 'rate-limited' | 'pinlater' | 'application' | 'connection';

export class GatewayCallError extends Error {
  constructor(
    readonly method: string,
    readonly kind: CallFailureKind,
    readonly errorType: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${method}: ${message}`, options);
    this.name = 'GatewayCallError';
  }
}

/** A `GatewayCallError` for what a PinLater call rejected with. */
export function classifyCallFailure(method: string, error: unknown): GatewayCallError {
  if (error instanceof GatewayCallError) return error;
  const fields = typeof error === 'object' && error !== null ? (error as { errorCode?: unknown; name?: unknown; message?: unknown }) : {};
  const message = typeof fields.message === 'string' ? fields.message : String(error);
  if (typeof fields.errorCode === 'number') {
    const code = fields.errorCode;
    const name = ErrorCode[code] ?? `ERROR_${code}`;
    const kind = code === ErrorCode.DEQUEUE_RATE_LIMITED ? 'rate-limited' : 'pinlater';
    return new GatewayCallError(method, kind, name, `PinLaterException ${name}: ${message}`, { cause: error });
  }
  if (fields.name === 'TApplicationException') return new GatewayCallError(method, 'application', 'application_error', `TApplicationException: ${message}`, { cause: error });
  return new GatewayCallError(method, 'connection', 'connection_lost', message, { cause: error });
}
