/**
 * A failed statement's stack, named where the statement was awaited. The legacy pools run mysql2
 * with `trace: false`: its promise API otherwise captures a stack trace on every query, to put the
 * caller's frames on a failed query's error (the cost Pacer's pool dropped, pacer/src/datastore/
 * mysql-pool.ts). Without it a driver error carries only the driver's own frames, so SqlSession's
 * statements catch the error after their await and give it the frames of the code awaiting them
 * (V8's async stack trace: the statement, then each `async` caller), followed by the driver's.
 * The error object itself is kept (its MySQL fields classify it, mysql-errors.ts); nothing runs on
 * success.
 */
export function withAwaitedStack(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const site = new Error();
  Error.captureStackTrace(site, withAwaitedStack);
  const awaited = framesOf(site.stack);
  if (awaited === '') return error;
  const own = error.stack ?? `${error.name}: ${error.message}`;
  const firstFrame = own.indexOf('\n    at ');
  const header = firstFrame < 0 ? own : own.slice(0, firstFrame);
  error.stack = `${header}${awaited}${firstFrame < 0 ? '' : own.slice(firstFrame)}`;
  return error;
}

/** The "\n    at …" lines of a stack text, without its first (message) line. */
function framesOf(stack: string | undefined): string {
  const firstFrame = stack?.indexOf('\n    at ') ?? -1;
  return firstFrame < 0 || stack === undefined ? '' : stack.slice(firstFrame);
}
