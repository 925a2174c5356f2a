import type { RoutingMode } from './routing-record';

/**
 * Which mode changes exist and what must hold before each; the CLI checks the preconditions and
 * refuses with the reason when one does not hold. The migration issue adds its rows here (legacy →
 * migrating → pacer → finalized, rollback from migrating or pacer); everything else is refused.
 */
export type Precondition =
  /** The side the queue leaves holds no job in any state (getJobCount of every state is 0). */
  | 'no-jobs-on-the-side-it-leaves'
  /** The target legacy cluster is configured (its name is in the gateways' config). */
  | 'legacy-cluster-known';

export interface Transition {
  readonly from: RoutingMode;
  readonly to: RoutingMode;
  readonly preconditions: readonly Precondition[];
  /** What an operator runs when a precondition fails (e.g. the copier, once it exists). */
  readonly otherwise: string;
}

export const TRANSITIONS: readonly Transition[] = [
  {
    from: 'legacy', to: 'pacer', preconditions: ['no-jobs-on-the-side-it-leaves'],
    otherwise: 'a queue with jobs moves with the migration copier (`pinlater-ops migrate start <queue>`, the migration issue)',
  },
  {
    from: 'pacer', to: 'legacy', preconditions: ['no-jobs-on-the-side-it-leaves', 'legacy-cluster-known'],
    otherwise: 'a queue with jobs on Pacer moves back with the migration rollback (`pinlater-ops migrate rollback <queue>`, the migration issue)',
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
