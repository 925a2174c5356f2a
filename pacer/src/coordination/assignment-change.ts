/**
 * What a rewrite of one resource's ideal state changed (pure), for the controller's log: each
 * partition whose owner differs, from → to (`null`: unassigned before, or no owner after).
 */
import type { ResourceAssignment } from './assignment';

export interface PartitionMove {
  readonly partition: string;
  readonly from: string | null;
  readonly to: string | null;
}

export interface AssignmentChange {
  readonly resource: string;
  /** Partitions whose owner changed, in partition order. */
  readonly moves: readonly PartitionMove[];
  /** Partitions per owner after the change. */
  readonly owners: Readonly<Record<string, number>>;
}

export function assignmentChange(resource: string, before: Readonly<ResourceAssignment>, after: Readonly<ResourceAssignment>): AssignmentChange {
  const moves: PartitionMove[] = [];
  for (const partition of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(byPartitionNumber)) {
    const from = before[partition] ?? null;
    const to = after[partition] ?? null;
    if (from !== to) moves.push({ partition, from, to });
  }
  const owners: Record<string, number> = {};
  for (const owner of Object.values(after)) owners[owner] = (owners[owner] ?? 0) + 1;
  return { resource, moves, owners };
}

function partitionNumber(name: string): number {
  const n = Number(name.slice(name.lastIndexOf('_') + 1));
  return Number.isInteger(n) ? n : Number.MAX_SAFE_INTEGER;
}

function byPartitionNumber(a: string, b: string): number {
  return partitionNumber(a) - partitionNumber(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** At most `max` entries listed; `notListed` says how many more there were. */
export interface Bounded<T> {
  readonly listed: T[];
  readonly notListed: number;
}

export function bounded<T>(items: readonly T[], max: number): Bounded<T> {
  return { listed: items.slice(0, max), notListed: Math.max(0, items.length - max) };
}

/**
 * The log fields of a change, bounded whatever the cluster's size: counts, then at most `max`
 * moves (`"<partition>: <from> -> <to>"`, `-` for none) and `max` owners (most partitions first).
 */
export function changeFields(change: AssignmentChange, max: number): Record<string, unknown> {
  const moves = bounded(change.moves.map((m) => `${m.partition}: ${m.from ?? '-'} -> ${m.to ?? '-'}`), max);
  const ownerCounts = Object.entries(change.owners).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  const owners = bounded(ownerCounts, max);
  return {
    resource: change.resource,
    changed: change.moves.length,
    moved: change.moves.filter((m) => m.from !== null && m.to !== null).length,
    assigned: change.moves.filter((m) => m.from === null).length,
    unassigned: change.moves.filter((m) => m.to === null).length,
    moves: moves.listed,
    ...(moves.notListed > 0 ? { movesNotListed: moves.notListed } : {}),
    owners: Object.fromEntries(owners.listed),
    ...(owners.notListed > 0 ? { ownersNotListed: owners.notListed } : {}),
  };
}
