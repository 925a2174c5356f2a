import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError, QueueNotFoundError } from '../../../core/src/errors/pinlater-error';
import { MysqlErrno } from '../../../core/src/sql/mysql-retry';

/**
 * Failure classification of the legacy MySQL store, as PinLater's MySQLBackendUtils does it
 * (FACTS §3.9): overload (connection failures, socket/query timeouts, pool exhaustion) and
 * deadlock (deadlock, lock wait timeout) are retried by the base; error 1146 becomes
 * QUEUE_NOT_FOUND on enqueue/dequeue/ack/checkpoint and stays UNKNOWN elsewhere (§11.15).
 * Everything else is UNKNOWN with a message shaped like the Java exception's `toString()`.
 */
export type MysqlFailureKind = 'overload' | 'deadlock' | 'queue-not-found' | 'other';

/** Operations whose 1146 maps to QUEUE_NOT_FOUND and which count `mysql-*-<op>` stats. */
export type SingleJobOp = 'enqueue' | 'dequeue' | 'ack' | 'checkpoint';

/** Server error numbers → kind. Numbers not listed are 'other'. */
const ERRNO_KINDS: ReadonlyMap<number, MysqlFailureKind> = new Map<number, MysqlFailureKind>([
  [1146, 'queue-not-found'], // ER_NO_SUCH_TABLE (also for a table in a missing database)
  [MysqlErrno.LOCK_DEADLOCK, 'deadlock'], // 1213, also retried by the monitor (core/src/sql/mysql-retry.ts)
  [MysqlErrno.LOCK_WAIT_TIMEOUT, 'deadlock'], // 1205, likewise
  [1040, 'overload'], // ER_CON_COUNT_ERROR (too many connections)
  [1053, 'overload'], // ER_SERVER_SHUTDOWN
  [1927, 'overload'], // ER_CONNECTION_KILLED (MariaDB)
  [2006, 'overload'], // CR_SERVER_GONE_ERROR
  [2013, 'overload'], // CR_SERVER_LOST
]);

/** Client-side (driver / socket) error codes → kind. */
const CODE_KINDS: ReadonlyMap<string, MysqlFailureKind> = new Map<string, MysqlFailureKind>(
  [
    'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
    'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
    'PROTOCOL_ENQUEUE_AFTER_QUIT', 'POOL_WAIT_TIMEOUT',
  ].map((code) => [code, 'overload' as MysqlFailureKind]),
);

interface DriverErrorFields {
  code?: unknown;
  errno?: unknown;
  sqlState?: unknown;
  sqlMessage?: unknown;
  fatal?: unknown;
  message?: unknown;
  /** mysql2 attaches the statement (values formatted in) to every query error. */
  sql?: unknown;
}

/** What the server log gets about a driver failure; never sent to clients. */
export interface DriverDetail {
  errno?: number;
  code?: string;
  sqlState?: string;
  message?: string;
  /** The statement, cut to STATEMENT_LOG_CHARS (it carries bodies and regexes). */
  statement?: string;
}

const STATEMENT_LOG_CHARS = 1000;

/** Server errors whose message quotes the statement text (`… near '<statement>' at line N`). */
const STATEMENT_QUOTING_ERRNOS: ReadonlySet<number> = new Set([1064, 1149]); // ER_PARSE_ERROR, ER_SYNTAX_ERROR

export function classifyMysqlError(e: unknown): MysqlFailureKind {
  if (e instanceof MysqlStoreError) return e.kind;
  if (e instanceof PinLaterError) return 'other';
  if (typeof e !== 'object' || e === null) return 'other';
  const f = e as DriverErrorFields;
  const byErrno = typeof f.errno === 'number' ? ERRNO_KINDS.get(f.errno) : undefined;
  if (byErrno) return byErrno;
  const byCode = typeof f.code === 'string' ? CODE_KINDS.get(f.code) : undefined;
  if (byCode) return byCode;
  if (f.fatal === true) return 'overload';
  if (typeof f.sqlState === 'string' && f.sqlState.startsWith('08')) return 'overload';
  return 'other';
}

export function isRetriableKind(kind: MysqlFailureKind): boolean {
  return kind === 'overload' || kind === 'deadlock';
}

/**
 * A MySQL failure surfacing as UNKNOWN; `kind` drives the base's auto-retries. `driver` is the
 * full detail (statement included) for the server log: loggers print it with the error, clients
 * only ever see `message`.
 */
export class MysqlStoreError extends PinLaterError {
  readonly kind: MysqlFailureKind;
  readonly driver?: DriverDetail;

  constructor(kind: MysqlFailureKind, message: string, options?: { cause?: unknown }) {
    super(ErrorCode.UNKNOWN, message, options);
    this.kind = kind;
    this.name = 'MysqlStoreError';
    if (options?.cause !== undefined) this.driver = driverDetail(options.cause);
  }
}

export function driverDetail(e: unknown): DriverDetail {
  const f = (typeof e === 'object' && e !== null ? e : {}) as DriverErrorFields;
  const detail: DriverDetail = {};
  if (typeof f.errno === 'number') detail.errno = f.errno;
  if (typeof f.code === 'string') detail.code = f.code;
  if (typeof f.sqlState === 'string') detail.sqlState = f.sqlState;
  const message = typeof f.sqlMessage === 'string' ? f.sqlMessage : typeof f.message === 'string' ? f.message : undefined;
  if (message !== undefined) detail.message = message;
  if (typeof f.sql === 'string') detail.statement = f.sql.slice(0, STATEMENT_LOG_CHARS);
  return detail;
}

/** The pool could not hand out a connection within BACKEND_CONNECTION_MAX_WAIT_MILLIS. */
export class PoolWaitTimeoutError extends Error {
  readonly code = 'POOL_WAIT_TIMEOUT';

  constructor(waitMs: number) {
    super(`Cannot get a connection, pool error Timeout waiting for idle object (${waitMs} ms)`);
    this.name = 'PoolWaitTimeoutError';
  }
}

/**
 * Converts anything thrown by a store operation into the error the store rethrows.
 * `queueNotFoundFor` = the queue name when this operation maps 1146 to QUEUE_NOT_FOUND.
 */
export function toStoreError(e: unknown, queueNotFoundFor?: string): PinLaterError {
  if (e instanceof PinLaterError) return e;
  const kind = classifyMysqlError(e);
  if (kind === 'queue-not-found' && queueNotFoundFor !== undefined) {
    return new QueueNotFoundError(`Queue not found: ${queueNotFoundFor}`, { cause: e });
  }
  return new MysqlStoreError(kind, javaStyleMessage(kind, e), { cause: e });
}

/**
 * `<Java exception class>: <message>`, the shape PinLater's UNKNOWN messages have: the JDBC
 * exception's `toString()`, i.e. the server's own message (e.g. `Table 'plq_1_q.jobs_p1' doesn't
 * exist`), never the statement. `clientSafeText` keeps it that way.
 */
export function javaStyleMessage(kind: MysqlFailureKind, e: unknown): string {
  const f = (typeof e === 'object' && e !== null ? e : {}) as DriverErrorFields;
  const text = clientSafeText(f, typeof f.sqlMessage === 'string' ? f.sqlMessage : typeof f.message === 'string' ? f.message : String(e));
  if (f.code === 'POOL_WAIT_TIMEOUT') return `org.apache.commons.dbcp.SQLNestedException: ${text}`;
  switch (kind) {
    case 'overload':
      return `com.mysql.jdbc.exceptions.jdbc4.CommunicationsException: Communications link failure (${String(f.code ?? f.errno ?? '')}: ${text})`;
    case 'deadlock':
      return `com.mysql.jdbc.exceptions.jdbc4.MySQLTransactionRollbackException: ${text}`;
    case 'queue-not-found':
      return `com.mysql.jdbc.exceptions.jdbc4.MySQLSyntaxErrorException: ${text}`;
    default:
      if (typeof f.sqlState === 'string' && f.sqlState.startsWith('42')) {
        return `com.mysql.jdbc.exceptions.jdbc4.MySQLSyntaxErrorException: ${text}`;
      }
      return typeof f.errno === 'number' ? `java.sql.SQLException: ${text}` : `java.lang.RuntimeException: ${text}`;
  }
}

/**
 * The server's message without statement text. Deviation (docs/compatibility.md, "Legacy MySQL:
 * error messages carry no statement text"): a syntax error's `near '<statement>'` quote is cut,
 * and the driver's `sql` never appears, even if a driver version put it into the message. Every
 * other message is the server's, as PinLater's JDBC exceptions carried it.
 */
export function clientSafeText(f: DriverErrorFields, text: string): string {
  let safe = text;
  if (typeof f.errno === 'number' && STATEMENT_QUOTING_ERRNOS.has(f.errno)) safe = safe.replace(/ near '[\s\S]*' at line \d+\s*$/, '');
  if (typeof f.sql === 'string' && f.sql.length > 0) safe = safe.split(f.sql).join('<statement>');
  return safe;
}

/** Error number of a driver error, if any. */
export function mysqlErrno(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const errno = (e as DriverErrorFields).errno;
  return typeof errno === 'number' ? errno : undefined;
}
