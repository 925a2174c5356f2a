import { InternalError } from '../../../core/src/errors/internal-error';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import { ErrorCode } from '../../../core/src/errors/error-code';
import { coerceError } from '../../../core/src/errors/coerce-error';
import { ApplicationExceptionType, applicationExceptionTypeName } from '../server/application-exception';
import type { ApplicationExceptionTypeCode } from '../server/application-exception';

/**
 * Where a failure happened, as PinLater/Finagle see it (FACTS §1.3, §3.10):
 *  - `sync`: thrown while the service method was still building its future (precondition checks,
 *    argument mapping) → Finagle's HandleUncaughtApplicationExceptions;
 *  - `async`: the future failed (backend work) → PinLaterServiceImpl's LogAndWrapException.
 */
export type FailurePhase = 'sync' | 'async';

export type ThriftError =
  | { kind: 'pinlater-exception'; errorCode: ErrorCode; message: string }
  | { kind: 'application-exception'; type: ApplicationExceptionTypeCode; message: string };

/**
 * The one mapping from domain failures to what the wire carries:
 *  - `PinLaterError` → `PinLaterException{errorCode, message}` (a REPLY);
 *  - `InternalError` (any phase) and any other error thrown synchronously →
 *    `TApplicationException(INTERNAL_ERROR, "Internal error processing <method>: '<e>'")`;
 *  - any other error of the async phase → `PinLaterException{UNKNOWN, <e>}`.
 * `<e>` is the error's text the way Java's `Throwable.toString()` renders it (`Name: message`);
 * an `InternalError` already carries the Java text (e.g. `java.lang.IllegalArgumentException`).
 */
export function toThriftError(error: unknown, method: string, phase: FailurePhase): ThriftError {
  if (error instanceof PinLaterError) {
    return { kind: 'pinlater-exception', errorCode: error.code, message: error.message };
  }
  if (error instanceof InternalError) return internalError(method, error.message);
  const text = errorText(error);
  if (phase === 'sync') return internalError(method, text);
  return { kind: 'pinlater-exception', errorCode: ErrorCode.UNKNOWN, message: text };
}

/**
 * The `error.type` of a failed call (metrics and spans alike): the PinLater ErrorCode name of a
 * PinLaterException, else the application exception's type name (`INTERNAL_ERROR`, …).
 */
export function thriftErrorType(mapped: ThriftError): string {
  if (mapped.kind === 'application-exception') return applicationExceptionTypeName(mapped.type);
  return ErrorCode[mapped.errorCode] ?? String(mapped.errorCode);
}

/**
 * Java `Throwable.toString()` shape for JS errors: `TypeError: x is undefined`. A statement a
 * database driver attached to the error (`sql`) is never part of the text, even when the message
 * repeats it (issue 8: stores map their errors first; this is the net for one that escaped).
 */
export function errorText(error: unknown): string {
  const e = coerceError(error);
  const statement = (error as { sql?: unknown } | null)?.sql;
  const message = typeof statement === 'string' && statement !== '' ? e.message.split(statement).join('<statement>') : e.message;
  return message ? `${e.name}: ${message}` : e.name;
}

function internalError(method: string, text: string): ThriftError {
  return {
    kind: 'application-exception',
    type: ApplicationExceptionType.INTERNAL_ERROR,
    message: `Internal error processing ${method}: '${text}'`,
  };
}
