/**
 * Why the operator side of queue limits (queue-limit-store.ts) refuses a change. Each names the
 * queue and says what to do; branch on the class, never on the message. (A limit that does not
 * parse is queue-limit-record.ts's `QueueLimitRecordError`; NO_AUTH is routing-errors.ts's
 * `RoutingPermissionError`, as for routing records.)
 */

/** Someone else changed the queue's limit since it was read (compare-and-set on its version failed). */
export class QueueLimitConflictError extends Error {
  constructor(
    readonly queue: string,
    readonly expectedVersion: number,
    /** The version in ZooKeeper now (0: no limit, -1: a limit that does not parse). */
    readonly foundVersion: number,
    foundBy?: string,
  ) {
    super(
      `limit of queue '${queue}' was changed concurrently: expected ${versionText(expectedVersion)}, found ${versionText(foundVersion)}${
        foundBy ? ` (changed by ${foundBy})` : ''
      }; nothing was written: read it again and decide again`,
    );
    this.name = 'QueueLimitConflictError';
  }
}

/** Creating one more limit would pass the bound gateways read (queue-limits-reader.ts). */
export class QueueLimitsFullError extends Error {
  constructor(readonly queue: string, readonly maxRecords: number) {
    super(`cannot add a limit for queue '${queue}': ${maxRecords} queue limits exist already, the most gateways read; clear limits no longer needed first`);
    this.name = 'QueueLimitsFullError';
  }
}

function versionText(version: number): string {
  if (version === 0) return 'no limit';
  return version < 0 ? 'a limit that does not parse' : `version ${version}`;
}
