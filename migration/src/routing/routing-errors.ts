/**
 * Why the operator side (routing-store.ts) refuses a routing change. Each names the queue and
 * says what to do; branch on the class, never on the message. (A record that does not parse is
 * routing-record.ts's `RoutingRecordError`; a name that cannot be a znode, routing-paths.ts's
 * `RoutingNameError`.)
 */
import type { MigrationDirection } from '../../../core/src/routing/queue-route';
import type { RoutingMode } from './routing-record';

/** Someone else changed the record since it was read (compare-and-set on its version failed). */
export class RoutingConflictError extends Error {
  constructor(
    readonly queue: string,
    readonly expectedVersion: number,
    /** The version in ZooKeeper now (0: the queue has no record). */
    readonly foundVersion: number,
    foundBy?: string,
  ) {
    super(
      `routing record of queue '${queue}' was changed concurrently: expected version ${expectedVersion}, found ${
        foundVersion === 0 ? 'no record' : `version ${foundVersion}`
      }${foundBy ? ` (changed by ${foundBy})` : ''}; nothing was written: read it again and decide again`,
    );
    this.name = 'RoutingConflictError';
  }
}

/** The mode change is not one routing-transitions.ts allows. */
export class RoutingTransitionError extends Error {
  constructor(
    readonly queue: string,
    readonly from: RoutingMode | undefined,
    readonly to: RoutingMode,
    /** The directions of a `migrating` side (absent otherwise). */
    readonly fromDirection?: MigrationDirection,
    readonly toDirection?: MigrationDirection,
  ) {
    super(
      from === undefined
        ? `queue '${queue}' has no record: its first record must be legacy or pacer, not ${to}`
        : `queue '${queue}' cannot go from ${modeText(from, fromDirection)} to ${modeText(to, toDirection)}: no such routing transition`,
    );
    this.name = 'RoutingTransitionError';
  }
}

/** `migrating(to-pacer)` for a migrating side, the bare mode otherwise. */
function modeText(mode: RoutingMode, direction: MigrationDirection | undefined): string {
  return direction === undefined ? mode : `${mode}(${direction})`;
}

/** ZooKeeper refused the write (NO_AUTH): the session does not hold the operator credential the tree was set up with. */
export class RoutingPermissionError extends Error {
  constructor(readonly path: string, options: { cause: unknown }) {
    super(
      `ZooKeeper refused to write ${path} (NO_AUTH): this credential is not the routing operator's ` +
        '(check PINLATER_ROUTING_CREDENTIAL_FILE / PINLATER_ROUTING_CREDENTIAL, or the credential the table was set up with)',
      options,
    );
    this.name = 'RoutingPermissionError';
  }
}
