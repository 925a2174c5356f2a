/**
 * Loads a module of the code under test lazily, inside a profile's `create` or the gateway harness,
 * so that a backend that does not exist yet fails only its own describe block, loudly, with the
 * path and the missing export named, instead of breaking every test file at import time.
 */

export class ModuleNotReadyError extends Error {
  constructor(what: string, detail: string, options?: { cause?: unknown }) {
    super(`${what} is not available: ${detail}`, options);
    this.name = 'ModuleNotReadyError';
  }
}

/** `require(path)` (relative to this folder), failing with `ModuleNotReadyError`. */
export function loadModule<T>(what: string, path: string): T {
  try {
    return require(path) as T;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error);
    throw new ModuleNotReadyError(what, `require('${path}') failed: ${message}`, { cause: error });
  }
}

/** The named export of `module`, which must be a function. */
export function requireFunction<F extends (...args: never[]) => unknown>(what: string, module: unknown, name: string): F {
  const value = (module as Record<string, unknown> | null)?.[name];
  if (typeof value !== 'function') {
    throw new ModuleNotReadyError(what, `it does not export a function '${name}' (got ${typeof value})`);
  }
  return value as F;
}
