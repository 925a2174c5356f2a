/**
 * The server's error number of a MySQL failure: on the driver error itself (mysql2 sets `errno`),
 * or on its `cause`, since the stores wrap driver errors into their own errors with the driver
 * error as `cause`. Undefined for failures that carry none (our own errors, socket errors).
 */
export function driverErrno(e: unknown): number | undefined {
  return errnoOf(e) ?? errnoOf(e instanceof Error ? e.cause : undefined);
}

function errnoOf(e: unknown): number | undefined {
  const errno = (e as { errno?: unknown } | null | undefined)?.errno;
  return typeof errno === 'number' ? errno : undefined;
}
