/**
 * The preconditions of `pinlater-ops migrate start <queue>` (routing-transitions.ts, legacy →
 * migrating(to-pacer)), decided from what was read, before anything is counted or written; `plan`
 * shows them with whether each holds, `migrate start` refuses on the first that does not, with
 * its exit code:
 *
 * 1. `legacy-record`: the queue has a `legacy` or `shadow` record (shadow is the mode before
 *    migrating, issue 13), or none and exactly one system holds it, a legacy cluster (it is pinned
 *    there by its own record first, as `route` does). A migrating record is MIGRATION_ACTIVE;
 *    anything else REFUSED.
 * 2. `legacy-cluster-known`: the record's cluster is a cluster of this config (its jobs are read
 *    there).
 * 3. `pacer-configured`: the config has Pacer, the destination.
 * 4. `no-migration-in-progress`: the queue's migration row, if any, is finalized or rolled back
 *    (one copying or complete is MIGRATION_ACTIVE). Except the row of a start that could not write
 *    its record (the record still `legacy`, the row copying to-pacer and paused: `migrate start`
 *    pauses it when its record write fails): a new start replaces it.
 */
import type { MigrationRow } from '../../../core/src/migration/migration-state';
import { PACER_SYSTEM } from '../../../core/src/routing/routing-backend';
import type { RoutingRecord } from '../routing/routing-record';
import type { ExitCodeName } from './exit-codes';

export type StartPreconditionName = 'legacy-record' | 'legacy-cluster-known' | 'pacer-configured' | 'no-migration-in-progress';

export interface PreconditionCheck {
  readonly name: StartPreconditionName;
  readonly holds: boolean;
  /** Why it holds or not, one phrase. */
  readonly detail: string;
  /** The exit code `migrate start` refuses with when it does not hold. */
  readonly refusal: Exclude<ExitCodeName, 'OK'>;
}

export interface StartInputs {
  readonly queue: string;
  readonly record: RoutingRecord | undefined;
  readonly unreadable: boolean;
  readonly holders: readonly string[];
  readonly legacyClusters: readonly string[];
  readonly pacerConfigured: boolean;
  readonly row: MigrationRow | undefined;
}

export interface StartDecision {
  readonly checks: readonly PreconditionCheck[];
  /** The first check that does not hold (undefined: the migration may start). */
  readonly failed: PreconditionCheck | undefined;
  /** The cluster the queue leaves (undefined when none can be named). */
  readonly legacyCluster: string | undefined;
  /** No record yet: a `legacy` record pinning the queue to its cluster is written first. */
  readonly pin: boolean;
  /** The record version the compare-and-set names (0: none). */
  readonly expectedVersion: number;
  /** The migration id of an unfinished start's row, which this start replaces. */
  readonly replacing: string | undefined;
}

export function decideStart(i: StartInputs): StartDecision {
  const source = sourceOf(i);
  const checks: PreconditionCheck[] = [
    { name: 'legacy-record', holds: source.problem === undefined, detail: source.problem?.detail ?? source.detail, refusal: source.problem?.refusal ?? 'REFUSED' },
    clusterKnown(source.cluster, i.legacyClusters),
    {
      name: 'pacer-configured', holds: i.pacerConfigured, refusal: 'REFUSED',
      detail: i.pacerConfigured ? 'Pacer is configured' : 'the routing config has no Pacer',
    },
    migrationFree(i.row, i.record),
  ];
  return {
    checks, failed: checks.find((c) => !c.holds), legacyCluster: source.cluster,
    pin: i.record === undefined && !i.unreadable, expectedVersion: i.record?.version ?? 0,
    replacing: isUnfinishedStart(i.row, i.record) ? i.row?.migrationId : undefined,
  };
}

interface Source {
  readonly cluster: string | undefined;
  readonly detail: string;
  readonly problem?: { readonly detail: string; readonly refusal: Exclude<ExitCodeName, 'OK'> };
}

function sourceOf(i: StartInputs): Source {
  const r = i.record;
  if (i.unreadable) return { cluster: undefined, detail: '', problem: { detail: 'its record does not parse (pinlater-ops status)', refusal: 'REFUSED' } };
  if (r === undefined) return sourceWithoutRecord(i);
  const cluster = r.legacyCluster ?? undefined;
  if (r.mode === 'legacy') return { cluster, detail: `legacy record on ${r.legacyCluster ?? '?'} (version ${r.version})` };
  if (r.mode === 'shadow') return { cluster, detail: `shadow record on ${r.legacyCluster ?? '?'} (version ${r.version}; its shadow copies are removed once every gateway serves the migration)` };
  if (r.mode === 'migrating') return { cluster, detail: '', problem: { detail: `it is migrating ${r.direction ?? '?'} already (pinlater-ops migrate status ${i.queue})`, refusal: 'MIGRATION_ACTIVE' } };
  if (r.mode === 'pacer') return { cluster, detail: '', problem: { detail: 'it is on Pacer already (record pacer)', refusal: 'REFUSED' } };
  return { cluster, detail: '', problem: { detail: `its record is ${r.mode}, which a migration does not start from`, refusal: 'REFUSED' } };
}

function sourceWithoutRecord(i: StartInputs): Source {
  const onLegacy = i.holders.filter((h) => h !== PACER_SYSTEM);
  if (i.holders.length === 0) return { cluster: undefined, detail: '', problem: { detail: 'no record, and no system holds the queue', refusal: 'REFUSED' } };
  if (i.holders.length > 1) {
    return { cluster: undefined, detail: '', problem: { detail: `no record, and it is on ${i.holders.join(', ')}: gateways refuse it until a route decides (pinlater-ops status)`, refusal: 'REFUSED' } };
  }
  if (onLegacy.length === 0) return { cluster: undefined, detail: '', problem: { detail: 'no record, and only Pacer holds it: nothing to migrate', refusal: 'REFUSED' } };
  return { cluster: onLegacy[0], detail: `no record; only ${onLegacy[0] ?? '?'} holds it (a legacy record pinning it there is written first)` };
}

function clusterKnown(cluster: string | undefined, clusters: readonly string[]): PreconditionCheck {
  if (cluster === undefined) return { name: 'legacy-cluster-known', holds: false, detail: 'no legacy cluster to migrate from', refusal: 'REFUSED' };
  const known = clusters.includes(cluster);
  return {
    name: 'legacy-cluster-known', holds: known, refusal: 'REFUSED',
    detail: known ? `${cluster} is configured` : `${cluster} is not a legacy cluster of this config (${clusters.join(', ') || 'none'})`,
  };
}

/** The row of a start whose record write failed: copying to-pacer, paused, while the record is still legacy (or shadow). */
function isUnfinishedStart(row: MigrationRow | undefined, record: RoutingRecord | undefined): boolean {
  return row !== undefined && row.status === 'copying' && row.direction === 'to-pacer' && row.paused && (record === undefined || record.mode === 'legacy' || record.mode === 'shadow');
}

function migrationFree(row: MigrationRow | undefined, record: RoutingRecord | undefined): PreconditionCheck {
  const name = 'no-migration-in-progress';
  if (row === undefined) return { name, holds: true, detail: 'no migration row', refusal: 'MIGRATION_ACTIVE' };
  if (isUnfinishedStart(row, record)) {
    return { name, holds: true, detail: `migration ${row.migrationId} never got its routing record (paused): this start replaces it`, refusal: 'MIGRATION_ACTIVE' };
  }
  const active = row.status === 'copying' || row.status === 'complete';
  return {
    name, holds: !active, refusal: 'MIGRATION_ACTIVE',
    detail: `${active ? 'migration' : 'last migration'} ${row.migrationId} (${row.direction}) is ${row.status}`,
  };
}
