import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError, QueueNotFoundError, ShardConnectionError } from '../../../core/src/errors/pinlater-error';
import { coerceError } from '../../../core/src/errors/coerce-error';

/** MySQL/driver error codes Pacer treats specially. */
const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_CON_COUNT_ERROR', 'POOL_CLOSED', 'POOL_ENQUEUELIMIT',
]);

export function mysqlErrorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isConnectionError(e: unknown): boolean {
  const code = mysqlErrorCode(e);
  return code !== undefined && CONNECTION_ERRORS.has(code);
}

/** What the server log gets about a driver failure; never sent to clients. */
export interface DriverDetail {
  errno?: number;
  code?: string;
  sqlState?: string;
  message?: string;
  /** The statement, cut to 1000 characters (it carries bodies and regexes). */
  statement?: string;
}

/**
 * A datastore failure answered as UNKNOWN. The client reads only which error it was (the driver's
 * code and number); the server's message names Pacer's tables, columns, constraints and accounts
 * and can quote the statement, none of which PinLater's messages contained, so it stays in
 * `driver`, which loggers print with the error (docs/compatibility.md, "Pacer: errors").
 */
export class PacerDatastoreError extends PinLaterError {
  readonly driver: DriverDetail;

  constructor(driver: DriverDetail, options?: { cause?: unknown }) {
    super(ErrorCode.UNKNOWN, clientMessage(driver), options);
    this.name = 'PacerDatastoreError';
    this.driver = driver;
  }
}

/**
 * Server messages that name nothing of the schema and help the caller fix the request: an invalid
 * body regex (ER_REGEXP_ERROR), lock wait timeout, deadlock.
 */
const SELF_CONTAINED_MESSAGE_ERRNOS: ReadonlySet<number> = new Set([1139, 1205, 1213]);

function clientMessage(driver: DriverDetail): string {
  const which = `Pacer datastore error ${driver.code ?? 'UNKNOWN'}${driver.errno === undefined ? '' : ` (${driver.errno})`}`;
  if (driver.errno !== undefined && SELF_CONTAINED_MESSAGE_ERRNOS.has(driver.errno) && driver.message !== undefined) return `${which}: ${driver.message}`;
  return `${which}; details are in the server log`;
}

/**
 * Maps a driver error to a PinLater error: lost/refused connections → SHARD_CONNECTION_FAILED
 * (PinLater's MySQL backend answers UNKNOWN there; docs/compatibility.md, Pacer), a job that
 * references a missing queue (FK 1452) → QUEUE_NOT_FOUND, any other statement error → UNKNOWN
 * naming the driver's code only (PacerDatastoreError), our own errors → UNKNOWN with their text.
 * PinLater errors pass through unchanged.
 */
export function toPinLaterError(e: unknown): PinLaterError {
  if (e instanceof PinLaterError) return e;
  const err = coerceError(e);
  const code = mysqlErrorCode(e);
  if (isConnectionError(e)) return new ShardConnectionError(`Pacer MySQL connection failed: ${code}: ${err.message}`, { cause: e });
  if (code === 'ER_NO_REFERENCED_ROW_2' || code === 'ER_NO_REFERENCED_ROW') {
    return new QueueNotFoundError('Pacer queue not found (deleted while in use)', { cause: e });
  }
  if (!isDriverError(e)) return new PinLaterError(ErrorCode.UNKNOWN, `${code ?? err.name}: ${err.message}`, { cause: e });
  return new PacerDatastoreError(driverDetail(e, err), { cause: e });
}

/** A server (or driver protocol) error of a statement, as opposed to our own code's errors. */
function isDriverError(e: unknown): boolean {
  const f = (typeof e === 'object' && e !== null ? e : {}) as { errno?: unknown; sqlState?: unknown; sql?: unknown };
  return typeof f.errno === 'number' || typeof f.sqlState === 'string' || typeof f.sql === 'string';
}

function driverDetail(e: unknown, err: Error): DriverDetail {
  const f = (typeof e === 'object' && e !== null ? e : {}) as { errno?: unknown; code?: unknown; sqlState?: unknown; sqlMessage?: unknown; sql?: unknown };
  const detail: DriverDetail = { message: typeof f.sqlMessage === 'string' ? f.sqlMessage : err.message };
  if (typeof f.errno === 'number') detail.errno = f.errno;
  if (typeof f.code === 'string') detail.code = f.code;
  if (typeof f.sqlState === 'string') detail.sqlState = f.sqlState;
  if (typeof f.sql === 'string') detail.statement = f.sql.slice(0, 1000);
  return detail;
}
