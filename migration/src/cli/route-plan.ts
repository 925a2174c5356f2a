/**
 * What `pinlater-ops route <queue> --to <system>` would do, decided from the queue's record, the
 * systems holding the queue and the configured systems, before anything is counted or written.
 * Refusals (unknown destination, a queue on no system, a record this version cannot route from)
 * are CliFailure REFUSED; the job counts come after (route-command.ts).
 *
 * The side a queue leaves: with a record, the system the record names (when the queue is there);
 * without one (or with a record that does not parse), every system holding it other than the
 * destination. A queue without a record on one system is first pinned there by its own record
 * (version 1) before the destination gets the queue, so no crash between the two steps can leave
 * it on two systems without a record (which every gateway would refuse as ambiguous).
 */
import { PACER_SYSTEM } from '../../../core/src/routing/routing-backend';
import { isRoutableMode, type RoutableMode, type RoutingRecord } from '../routing/routing-record';
import { UNREADABLE_RECORD_VERSION } from '../routing/routing-store';
import { transition } from '../routing/routing-transitions';
import { CliFailure } from './cli-failure';

/** A record's mode and cluster, as the store's RoutingChange takes them (who and why come later). */
export interface RouteTarget {
  readonly mode: RoutableMode;
  readonly legacyCluster: string | null;
}

export interface QueueState {
  /** The parsed record; undefined when there is none or it does not parse (`unreadable`). */
  readonly record: RoutingRecord | undefined;
  readonly unreadable: boolean;
  /** The systems where the queue exists now. */
  readonly holders: readonly string[];
}

export interface RoutePlan {
  readonly queue: string;
  readonly destination: string;
  /** The system serving the queue now; undefined when no single one does (ambiguous, unreadable record). */
  readonly current: string | undefined;
  /** The record version the write compares against (0: no record; -1: one that does not parse). */
  readonly expectedVersion: number;
  /** Where the queue's jobs must be gone before the route (each is counted). */
  readonly leaving: readonly string[];
  readonly target: RouteTarget;
  /** Written first (pinning a record-less queue to the one system holding it), or undefined. */
  readonly pin: RouteTarget | undefined;
  readonly createOnDestination: boolean;
  /** Legacy clusters whose descriptors will route to another cluster after this (their SUCCEEDED jobs become unreadable). */
  readonly descriptorsLeave: readonly string[];
  /** The record already routes the queue to the destination: nothing to write. */
  readonly alreadyThere: boolean;
}

export function modeOfSystem(system: string): RoutableMode {
  return system === PACER_SYSTEM ? 'pacer' : 'legacy';
}

/** The system a record routes to (its legacy cluster, or Pacer; both sides of a migrating record are named elsewhere). */
export function systemOfRecord(record: Pick<RoutingRecord, 'mode' | 'legacyCluster'>): string {
  return record.mode === 'legacy' ? (record.legacyCluster ?? '?') : PACER_SYSTEM;
}

export function planRoute(queue: string, destination: string, state: QueueState, systems: readonly string[]): RoutePlan {
  if (!systems.includes(destination)) {
    throw new CliFailure('REFUSED', `unknown destination '${destination}': the configured systems are ${systems.join(', ')}`);
  }
  if (state.holders.length === 0) {
    throw new CliFailure('REFUSED', `queue '${queue}' exists on no system (${systems.join(', ')}); create it through a gateway`);
  }
  return state.record === undefined ? planWithoutRecord(queue, destination, state) : planFromRecord(queue, destination, state.record, state.holders, systems);
}

function planFromRecord(queue: string, destination: string, record: RoutingRecord, holders: readonly string[], systems: readonly string[]): RoutePlan {
  if (!isRoutableMode(record.mode)) throw new CliFailure('REFUSED', notRoutable(queue, record));
  const current = systemOfRecord(record);
  if (!systems.includes(current)) {
    throw new CliFailure('REFUSED', `the record of queue '${queue}' names ${current}, not a system of this config (${systems.join(', ')}): its jobs cannot be counted`);
  }
  const target = targetOf(destination, record.legacyCluster);
  const alreadyThere = current === destination;
  if (!alreadyThere) requireTransition(queue, record.mode, target.mode);
  return {
    queue, destination, current, expectedVersion: record.version, target, pin: undefined, alreadyThere,
    leaving: !alreadyThere && holders.includes(current) ? [current] : [],
    createOnDestination: !holders.includes(destination),
    descriptorsLeave: record.legacyCluster !== null && record.legacyCluster !== target.legacyCluster ? [record.legacyCluster] : [],
  };
}

function planWithoutRecord(queue: string, destination: string, state: QueueState): RoutePlan {
  const leaving = state.holders.filter((s) => s !== destination);
  for (const system of leaving) requireTransition(queue, modeOfSystem(system), modeOfSystem(destination));
  const current = state.holders.length === 1 ? state.holders[0] : undefined;
  const legacyLeaving = leaving.filter((s) => modeOfSystem(s) === 'legacy');
  const target = targetOf(destination, legacyLeaving[0] ?? null);
  const pin = !state.unreadable && current !== undefined && current !== destination ? targetOf(current, null) : undefined;
  return {
    queue, destination, current, expectedVersion: state.unreadable ? UNREADABLE_RECORD_VERSION : 0, leaving, target, pin,
    createOnDestination: !state.holders.includes(destination),
    descriptorsLeave: legacyLeaving.filter((s) => s !== target.legacyCluster),
    alreadyThere: false,
  };
}

/** The record routing to `destination`; a queue moving to Pacer keeps the legacy cluster its legacy descriptors route to. */
function targetOf(destination: string, legacyCluster: string | null): RouteTarget {
  return modeOfSystem(destination) === 'pacer' ? { mode: 'pacer', legacyCluster } : { mode: 'legacy', legacyCluster: destination };
}

/**
 * Why `route` refuses a queue in a migration mode: the migration owns its record (the copier
 * flips it when done, `rollback` turns it back), so a direct route would race the copier.
 */
function notRoutable(queue: string, record: RoutingRecord): string {
  if (record.mode === 'shadow') return `queue '${queue}' is in mode shadow: leave it with \`pinlater-ops shadow stop ${queue}\` (which removes its shadow copies) or migrate it with \`pinlater-ops migrate start ${queue}\`; \`pinlater-ops route\` moves only legacy and pacer queues`;
  const mode = record.direction === undefined ? record.mode : `${record.mode} (${record.direction})`;
  return `queue '${queue}' is in mode ${mode}: the migration owns its route, \`pinlater-ops route\` moves only legacy and pacer queues; see \`pinlater-ops migrate status ${queue}\``;
}

function requireTransition(queue: string, from: RoutableMode, to: RoutableMode): void {
  if (transition(from, to) === undefined) throw new CliFailure('REFUSED', `queue '${queue}' cannot go from ${from} to ${to}: no such routing transition`);
}
