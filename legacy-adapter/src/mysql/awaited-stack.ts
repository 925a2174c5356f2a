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
  const awaited = splitStack(site.stack ?? '').frames;
  if (awaited === '') return error;
  const own = splitStack(error.stack ?? `${error.name}: ${error.message}`);
  error.stack = `${own.header}${awaited}${own.frames}`;
  return error;
}

/** A stack text as its message line(s) and its "\n    at …" lines ('' when it has none). */
function splitStack(stack: string): { header: string; frames: string } {
  const firstFrame = stack.indexOf('\n    at ');
  return firstFrame < 0 ? { header: stack, frames: '' } : { header: stack.slice(0, firstFrame), frames: stack.slice(firstFrame) };
}
