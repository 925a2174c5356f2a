import type { MigrationDirection } from '../../../core/src/routing/queue-route';
import type { RoutingMode } from './routing-record';

/**
 * Which mode changes exist and what must hold before each; whoever writes the change (the operator
 * CLI, or the migration copier for the flips it owns) checks the preconditions and refuses with
 * the reason when one does not hold; the store (routing-store.ts) refuses any change not listed.
 * The migration rows (docs/migration.md "Modes"):
 *
 *   legacy ──migrate start──▶ migrating(to-pacer) ──copier: drained──▶ pacer ──finalize──▶ finalized
 *      ▲                          │ rollback                              │ rollback
 *      └──copier: drained── migrating(to-legacy) ◀───────────────────────┘
 *
 *   and the optional step before a migration:
 *
 *   legacy ──shadow start──▶ shadow ──migrate start──▶ migrating(to-pacer)
 *      ▲                        │
 *      └──────shadow stop───────┘
 *
 * `shadow` (issue 13) is the mode before `migrating`: legacy serves, Pacer gets shadow
 * copies in a reserved queue of their own (core/src/shadow/shadow-queue-name.ts). Leaving it (stop,
 * or migrate start) writes the record first; the CLI removes the shadow queue once every live
 * gateway applied that table version.
 *
 * A side of a change is a mode and, for `migrating`, its direction: migrating(to-pacer) →
 * migrating(to-legacy) is a change of its own (the rollback).
 */
export type Precondition =
  /**
   * The side the queue leaves holds no PENDING (current or future), IN_PROGRESS or FAILED job
   * (getJobCount). SUCCEEDED jobs do not count: they stay readable through their descriptors,
   * which route to the system that issued them whatever the queue's mode.
   */
  | 'no-jobs-on-the-side-it-leaves'
  /** The target legacy cluster is configured (its name is in the gateways' config). */
  | 'legacy-cluster-known'
  /** Pacer is configured (the gateways and the copier can reach it): the destination of a migration. */
  | 'pacer-configured'
  /**
   * No migration of the queue is running: no unfinished row (lease) for it in Pacer's
   * `queue_migrations` (one copier per queue, docs/migration.md "The copier").
   */
  | 'no-migration-in-progress'
  /**
   * The copier's flip at the end of a migration (it writes the change itself): the side the queue
   * leaves holds nothing (no job in any state, none taken, none staged), every live gateway has
   * applied a table version at least the one the migration started in, and the side stayed empty
   * for the quiet period.
   */
  | 'source-drained'
  /** The legacy cluster holds no job of the queue in any state (counted with the export cursor, never the capped getJobCount). */
  | 'legacy-side-empty'
  /** Verification of the migration found no difference: ledger checksums as taken and as stored are equal, no mismatching job. */
  | 'verification-matches'
  /**
   * The queue can have a shadow copy in Pacer: its shadow queue name (the reserved prefix and the
   * queue's name, core/src/shadow/shadow-queue-name.ts `canShadow`) fits Pacer's queue names, and
   * that queue exists or is created before the record changes.
   */
  | 'shadow-queue-available';

export interface Transition {
  readonly from: RoutingMode;
  /** For `from: 'migrating'`: the direction the record has (else absent). */
  readonly fromDirection?: MigrationDirection;
  readonly to: RoutingMode;
  /** For `to: 'migrating'`: the direction the new record gets (else absent). */
  readonly toDirection?: MigrationDirection;
  readonly preconditions: readonly Precondition[];
  /**
   * What an operator runs when a precondition does not hold (e.g. the copier instead of a direct
   * route); `<queue>` stands for the queue's name (`pinlater-ops route` fills it in).
   */
  readonly otherwise: string;
}

/** One side of a change: a mode, with its direction when the mode is `migrating`. */
export interface ModeState {
  readonly mode: RoutingMode;
  readonly direction?: MigrationDirection | undefined;
}

const FOLLOW = 'follow it with `pinlater-ops migrate status <queue>`';
const SHADOW_OTHERWISE = 'configure Pacer, wait for the migration already running, or keep the queue as it is (its name may be too long for a shadow copy)';

export const TRANSITIONS: readonly Transition[] = [
  {
    from: 'legacy', to: 'pacer', preconditions: ['no-jobs-on-the-side-it-leaves'],
    otherwise: 'move its jobs with `pinlater-ops migrate start <queue>` (the migration copier), or drain the queue first',
  },
  {
    from: 'pacer', to: 'legacy', preconditions: ['no-jobs-on-the-side-it-leaves', 'legacy-cluster-known'],
    otherwise: 'move its jobs back with `pinlater-ops rollback <queue>` (the migration copier), or drain the queue first',
  },
  {
    from: 'legacy', to: 'legacy', preconditions: ['no-jobs-on-the-side-it-leaves', 'legacy-cluster-known'],
    otherwise: 'moving jobs between legacy clusters is not supported; drain the queue first',
  },
  {
    from: 'legacy', to: 'migrating', toDirection: 'to-pacer', preconditions: ['pacer-configured', 'no-migration-in-progress'],
    otherwise: `configure Pacer, or wait for the migration already running (${FOLLOW})`,
  },
  {
    from: 'legacy', to: 'shadow', preconditions: ['pacer-configured', 'no-migration-in-progress', 'shadow-queue-available'],
    otherwise: `${SHADOW_OTHERWISE}; \`pinlater-ops shadow start <queue>\` names the one that fails`,
  },
  {
    from: 'shadow', to: 'legacy', preconditions: [],
    otherwise: 'nothing blocks leaving shadow mode: `pinlater-ops shadow stop <queue>` (it also removes the shadow copies)',
  },
  {
    from: 'shadow', to: 'migrating', toDirection: 'to-pacer', preconditions: ['pacer-configured', 'no-migration-in-progress'],
    otherwise: `configure Pacer, or wait for the migration already running (${FOLLOW})`,
  },
  {
    from: 'migrating', fromDirection: 'to-pacer', to: 'pacer', preconditions: ['source-drained'],
    otherwise: `the copier routes the queue to Pacer once the legacy side is drained; ${FOLLOW}`,
  },
  {
    from: 'migrating', fromDirection: 'to-pacer', to: 'migrating', toDirection: 'to-legacy', preconditions: ['legacy-cluster-known'],
    otherwise: 'configure the legacy cluster the queue came from, then `pinlater-ops rollback <queue>`',
  },
  {
    from: 'pacer', to: 'migrating', toDirection: 'to-legacy', preconditions: ['legacy-cluster-known'],
    otherwise: 'configure the legacy cluster the queue came from, then `pinlater-ops rollback <queue>`',
  },
  {
    from: 'migrating', fromDirection: 'to-legacy', to: 'legacy', preconditions: ['source-drained'],
    otherwise: `the copier routes the queue back to its legacy cluster once Pacer's side is drained; ${FOLLOW}`,
  },
  {
    from: 'pacer', to: 'finalized', preconditions: ['legacy-side-empty', 'verification-matches'],
    otherwise: `wait until the copier has emptied the legacy side and verification matches (${FOLLOW})`,
  },
];

/**
 * The transition from `from` to `to`, or undefined when there is none (the change is refused). A
 * bare mode has no direction, so a `migrating` side must be given as `{ mode, direction }`.
 */
export function transition(from: RoutingMode | ModeState, to: RoutingMode | ModeState): Transition | undefined {
  const [f, t] = [stateOf(from), stateOf(to)];
  return TRANSITIONS.find((x) => x.from === f.mode && x.fromDirection === f.direction && x.to === t.mode && x.toDirection === t.direction);
}

function stateOf(side: RoutingMode | ModeState): ModeState {
  return typeof side === 'string' ? { mode: side } : side;
}
