import type { Pool } from 'mysql2/promise';
import type { Clock } from '../../../core/src/util/clock';
import type { Logger } from '../../../core/src/logging/logger';
import { coerceError } from '../../../core/src/errors/coerce-error';
import { ackFailed, ackSucceeded, checkpointGroups, checkpointRefs, type AckItem, type CheckpointRef } from '../datastore/job-acks';
import { checkpointLeased, type LeasedCheckpoint } from '../datastore/lease-checkpoints';
import { ackLeasedFailed, ackLeasedSucceeded, settledRows, type LeasedAck } from '../datastore/lease-acks';
import { deleteLeases } from '../datastore/claim-leases';
import { loadOpenLeases } from '../datastore/lease-settlement';
import { mysqlErrorCode } from '../datastore/mysql-errors';
import type { OwnerRef } from '../datastore/partition-owners';
import type { OwnedPartition } from './owned-partition';

/** Most lease ids one fenced DELETE names. */
const MAX_LEASES_PER_DELETE = 1000;

/**
 * A broker's work on its partitions' claim leases beside claiming (in both claim modes: a per-job
 * broker honours leases a lease-mode owner left): acks of leased jobs (the broker's lease
 * map says which lease claims each job), loading the previous owners' open leases when it takes a
 * partition over, finding jobs settled by someone else (an admin monitor pass, a deleteJobs), and
 * deleting leases whose jobs are all settled.
 */
export class LeaseKeeper {
  /** Leases with no open job left, per owner (deleted by `deleteEmptied`, fenced). */
  private readonly toDelete = new Map<string, { owner: OwnerRef; ids: bigint[] }>();

  constructor(
    private readonly pool: Pool,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /**
   * Acks of jobs of partitions the broker owns (`owned` by partition): jobs a lease of the broker
   * claims are settled by their lease (lease-ack-*.sql), the others (per-job claims: imported
   * IN_PROGRESS jobs, claims made before lease mode) as per-job acks. Successes before failures,
   * as the API's ack batcher. Retried jobs are re-buffered when due.
   */
  async ack(owned: Map<number, OwnedPartition>, succeeded: AckItem[], failed: AckItem[]): Promise<void> {
    const nowMs = this.clock.nowMs();
    const s = split(owned, succeeded);
    const f = split(owned, failed);
    let changed = 0;
    if (s.leased.length > 0) changed += await ackLeasedSucceeded(this.pool, s.leased, nowMs);
    if (s.plain.length > 0) await ackSucceeded(this.pool, s.plain, nowMs);
    if (f.leased.length > 0) {
      const r = await ackLeasedFailed(this.pool, f.leased, nowMs);
      changed += r.changed;
      if (r.retryAtMs !== undefined) for (const a of f.leased) owned.get(a.ref.partition)?.markPending([a.ref.priority], r.retryAtMs);
    }
    if (f.plain.length > 0) {
      for (const q of await ackFailed(this.pool, f.plain, nowMs)) {
        for (const h of q.hints) owned.get(h.partition)?.markPending(undefined, h.runAfterMs);
      }
    }
    await this.settleAcked(owned, [...s.leased, ...f.leased], changed);
  }

  /**
   * Checkpoints of jobs of partitions the broker owns, group by group in request order
   * (checkpointGroups: a job's items apply one after another). Jobs a lease claims go through
   * checkpointLeased (settled from their lease, and claimed again by a new lease unless moved to
   * pending), the others as per-job checkpoints. Returns the items that changed nothing. A
   * partition found taken over mid-request throws LeaseOwnerFencedError (its items of that group
   * were not applied).
   */
  async checkpoint(owned: Map<number, OwnedPartition>, queue: string, source: string, refs: CheckpointRef[]): Promise<number> {
    const nowMs = this.clock.nowMs();
    let noops = 0;
    for (const group of checkpointGroups(refs, nowMs)) {
      const { leased, plain } = splitCheckpoints(owned, group);
      if (plain.length > 0) {
        const r = await checkpointRefs(this.pool, queue, source, plain, nowMs);
        noops += r.noops;
        for (const h of r.hints) owned.get(h.partition)?.markPending(undefined, h.runAfterMs);
      }
      for (const [partition, items] of leased) noops += await this.checkpointPartition(owned.get(partition) as OwnedPartition, source, items, nowMs);
    }
    return noops;
  }

  private async checkpointPartition(part: OwnedPartition, source: string, items: LeasedCheckpoint[], nowMs: number): Promise<number> {
    const leases = part.leases;
    // The jobs stay out of refills until the new leases are in the map (OwnedPartition.renewing).
    const r = await part.renewing(items.map((c) => c.ref.id), async () => {
      const out = await checkpointLeased(this.pool, part.owner, source, items, nowMs, () => leases.nextLeaseId());
      this.emptied(part.owner, leases.settle(out.matched));
      for (const l of out.newLeases) leases.add({ leaseId: l.leaseId, claimDescriptor: l.claimDescriptor, claimedAtMs: l.claimedAtMs }, l.jobIds);
      return out;
    });
    const { item } = items[0] as LeasedCheckpoint;
    if (item.moveToPending && r.matched.length > 0) part.markPending([...new Set(items.map((c) => c.ref.priority))], item.runAfterMs ?? nowMs);
    return items.length - r.matched.length;
  }

  /**
   * Takeover (lease mode): the partition's live leases go into its lease map with their jobs still
   * open, before the partition serves; leases with no open job left are deleted.
   */
  async load(part: OwnedPartition): Promise<void> {
    const leases = part.leases;
    const loaded = await loadOpenLeases(this.pool, part.owner.queue, part.owner.partition).catch((e: unknown) => {
      // A database before migration 0003 has no claim_leases table, and so no lease to honour
      // (a per-job broker serving while the migration runs; a lease-mode claim fails loudly).
      if (mysqlErrorCode((e as { cause?: unknown }).cause ?? e) !== 'ER_NO_SUCH_TABLE') throw e;
      this.logger.warn({ queue: part.owner.queue, partition: part.owner.partition }, 'no claim_leases table (schema before migration 0003): no claim leases loaded');
      return { open: [], settled: [] };
    });
    for (const { lease, openIds } of loaded.open) leases.add({ leaseId: lease.leaseId, claimDescriptor: lease.claimDescriptor, claimedAtMs: lease.claimedAtMs }, openIds);
    this.emptied(part.owner, loaded.settled.map((l) => l.leaseId));
    if (loaded.open.length > 0) this.logger.info({ queue: part.owner.queue, partition: part.owner.partition, leases: loaded.open.length, jobs: leases.jobCount }, 'loaded open claim leases');
  }

  /** Finds jobs of the partition's leases settled elsewhere (admin monitor, deleteJobs) and drops them from its map. */
  async collect(part: OwnedPartition): Promise<void> {
    await this.collectJobs([{ part, ids: part.leases.heldJobIds() }]);
  }

  /**
   * Of these jobs of these partitions, those held in the lease map and found settled in MySQL
   * (one read for all: the API's direct acks, a monitor pass) leave the map; emptied leases are
   * deleted by the next `deleteEmptied`.
   */
  async collectJobs(entries: ReadonlyArray<{ part: OwnedPartition; ids: readonly number[] }>): Promise<void> {
    const held = entries.map(({ part, ids }) => ({ part, ids: [...new Set(ids)].filter((id) => part.leases.has(id)) })).filter((e) => e.ids.length > 0);
    if (held.length === 0) return;
    const rows = await settledRows(this.pool, held.flatMap((e) => e.ids));
    for (const { part, ids } of held) this.emptied(part.owner, part.leases.settle(part.leases.settledCheck(rows, ids)));
  }

  /** Leases of `owner`'s partition with no open job left: deleted by the next `deleteEmptied`. */
  emptied(owner: OwnerRef, leaseIds: bigint[]): void {
    if (leaseIds.length === 0) return;
    const key = JSON.stringify([owner.queue, owner.partition, owner.epoch]);
    const entry = this.toDelete.get(key) ?? { owner, ids: [] };
    entry.ids.push(...leaseIds);
    this.toDelete.set(key, entry);
  }

  /** Deletes the emptied leases, one fenced statement per partition (a stale owner deletes nothing). */
  async deleteEmptied(): Promise<void> {
    const batches = [...this.toDelete.values()];
    this.toDelete.clear();
    for (const { owner, ids } of batches) {
      for (let i = 0; i < ids.length; i += MAX_LEASES_PER_DELETE) {
        const chunk = ids.slice(i, i + MAX_LEASES_PER_DELETE);
        await deleteLeases(this.pool, owner, chunk, this.clock.nowMs()).catch((e: unknown) => {
          // Harmless meanwhile: a lease whose jobs are all settled claims nothing. Tried again later.
          this.emptied(owner, chunk);
          this.logger.warn({ err: coerceError(e), queue: owner.queue, partition: owner.partition }, 'deleting settled claim leases failed');
        });
      }
    }
  }

  /**
   * After lease acks: when every ack changed its row, all those jobs are settled; otherwise the rows
   * are read to see which are (an ack of a job whose claim had already timed out changed nothing,
   * but the job is settled all the same).
   */
  private async settleAcked(owned: Map<number, OwnedPartition>, acks: LeasedAck[], changed: number): Promise<void> {
    if (acks.length === 0) return;
    const ids = [...new Set(acks.map((a) => a.ref.id))];
    const rows = changed === ids.length ? undefined : await settledRows(this.pool, ids);
    for (const part of owned.values()) {
      const leases = part.leases;
      const mine = acks.filter((a) => a.ref.partition === part.owner.partition).map((a) => a.ref.id);
      const settled = rows === undefined ? mine : leases.settledCheck(rows, mine);
      this.emptied(part.owner, leases.settle(settled));
    }
  }
}

/** A checkpoint group's items of leased jobs (with their lease), by partition, and the others. */
function splitCheckpoints(owned: Map<number, OwnedPartition>, group: CheckpointRef[]): { leased: Map<number, LeasedCheckpoint[]>; plain: CheckpointRef[] } {
  const leased = new Map<number, LeasedCheckpoint[]>();
  const plain: CheckpointRef[] = [];
  for (const c of group) {
    const lease = owned.get(c.ref.partition)?.leases.leaseOf(c.ref.id);
    if (lease === undefined) {
      plain.push(c);
      continue;
    }
    leased.set(c.ref.partition, [...(leased.get(c.ref.partition) ?? []), { ...c, leaseId: lease.leaseId, claimDescriptor: lease.claimDescriptor }]);
  }
  return { leased, plain };
}

/** Acks of jobs a lease of the broker claims (with that lease), and the others. */
function split(owned: Map<number, OwnedPartition>, acks: AckItem[]): { leased: LeasedAck[]; plain: AckItem[] } {
  const leased: LeasedAck[] = [];
  const plain: AckItem[] = [];
  for (const a of acks) {
    const lease = owned.get(a.ref.partition)?.leases.leaseOf(a.ref.id);
    if (lease === undefined) plain.push(a);
    else leased.push({ ...a, leaseId: lease.leaseId, claimDescriptor: lease.claimDescriptor });
  }
  return { leased, plain };
}
