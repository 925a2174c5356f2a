import type { RoutingMode } from './routing-record';

/**
 * Which mode changes exist and what must hold before each; the CLI checks the preconditions and
 * refuses with the reason when one does not hold. The migration issue adds its rows here (legacy →
 * migrating → pacer → finalized, rollback from migrating or pacer); everything else is refused.
 */
export type Precondition =
  /**
   * The side the queue leaves holds no PENDING (current or future), IN_PROGRESS or FAILED job
   * (getJobCount). SUCCEEDED jobs do not count: they stay readable through their descriptors,
   * which route to the system that issued them whatever the queue's mode.
   */
  | 'no-jobs-on-the-side-it-leaves'
  /** The target legacy cluster is configured (its name is in the gateways' config). */
  | 'legacy-cluster-known';

export interface Transition {
  readonly from: RoutingMode;
  readonly to: RoutingMode;
  readonly preconditions: readonly Precondition[];
  /**
   * What an operator runs when the queue still has jobs (e.g. the copier, once it exists); `<queue>`
   * stands for the queue's name (`pinlater-ops route` fills it in).
   */
  readonly otherwise: string;
}

export const TRANSITIONS: readonly Transition[] = [
  {
    from: 'legacy', to: 'pacer', preconditions: ['no-jobs-on-the-side-it-leaves'],
    otherwise: 'move its jobs with `pinlater-ops migrate <queue>` (the migration copier; it arrives with the migration issue and is not available yet), or drain the queue first',
  },
  {
    from: 'pacer', to: 'legacy', preconditions: ['no-jobs-on-the-side-it-leaves', 'legacy-cluster-known'],
    otherwise: 'move its jobs back with the rollback of `pinlater-ops migrate <queue>` (it arrives with the migration issue and is not available yet), or drain the queue first',
  },
  {
    from: 'legacy', to: 'legacy', preconditions: ['no-jobs-on-the-side-it-leaves', 'legacy-cluster-known'],
    otherwise: 'moving jobs between legacy clusters is not supported; drain the queue first',
  },
];

/** The transition from `from` to `to`, or undefined when there is none (the change is refused). */
export function transition(from: RoutingMode, to: RoutingMode): Transition | undefined {
  return TRANSITIONS.find((t) => t.from === from && t.to === to);
}
