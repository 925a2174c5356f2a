/** Turns anything thrown into an `Error` (graphile-worker's `coerceError`). */
export function coerceError(e: unknown): Error {
  if (e instanceof Error) return e;
  if (typeof e === 'string') return new Error(e);
  try {
    return new Error(`Non-error thrown: ${JSON.stringify(e)}`);
  } catch {
    return new Error(`Non-error thrown: ${String(e)}`);
  }
}
