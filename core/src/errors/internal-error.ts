/**
 * A precondition failure that PinLater raises synchronously, outside its future chain, so the
 * client receives a Thrift `TApplicationException(INTERNAL_ERROR)` rather than a
 * `PinLaterException` (FACTS §3.10: dequeue with limit <= 0 or an empty queue name, enqueue of an
 * empty job list). The gateway maps it to INTERNAL_ERROR with PinLater's message shape.
 */
export class InternalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InternalError';
  }
}
