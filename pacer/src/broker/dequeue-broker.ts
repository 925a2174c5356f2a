import type { Pool } from 'mysql2/promise';
import type { BrokerDequeueArgs, BrokerDequeueReply } from '../interfaces/broker-client';
import type { Clock } from '../../../core/src/util/clock';
import type { Logger } from '../../../core/src/logging/logger';
import type { DequeuedJob } from '../../../core/src/types/job';
import { coerceError } from '../../../core/src/errors/coerce-error';
import { errorTypeOf } from '../../../core/src/telemetry/tracing';
import type { PartitionOwnership } from '../interfaces/partition-ownership';
import { BrokerStore, type BufferedJob } from '../datastore/broker-store';
import type { LeaseClaimOutcome } from '../datastore/lease-claims';
import { assignOwner, releaseOwner, type OwnerRef } from '../datastore/partition-owners';
import { monitorPartition, type MonitorSettings, type PartitionMonitorCounts } from '../datastore/partition-monitor';
import { QueueRegistry } from '../datastore/queue-registry';
import { formatPacerDescriptor } from '../descriptors/pacer-descriptor';
import { newBrokerCounters, type BrokerCounters } from './broker-counters';
import type { BrokerInstruments } from './broker-instruments';
import { ClaimBatcher, type ClaimMode } from './claim-batcher';
import { PartitionLeases } from './partition-leases';
import { LeaseKeeper } from './lease-keeper';
import type { AckItem, CheckpointRef } from '../datastore/job-acks';
import { LeaseOwnerFencedError } from '../datastore/lease-checkpoints';
import type { LeaseClaimGroup } from '../datastore/lease-claims';
import { OwnedPartition, type BufferSettings } from './owned-partition';

export interface DequeueBrokerOptions {
  brokerId: string;
  pool: Pool;
  /** Close `pool` in `close()` (true when the broker created it). */
  ownsPool: boolean;
  clock: Clock;
  logger: Logger;
  buffer: BufferSettings;
  /**
   * Safety net for lost notifications, run this often (ms; 0 = never): a cheap probe per owned
   * partition for jobs that became pending since the previous sweep (re-read only those
   * partitions); every `fullSweepEvery`-th sweep re-reads every owned partition regardless.
   */
  safetySweepMs: number;
  /** The held-lease sweep: every this many ms, jobs of leases older than it are re-read (bounded). */
  heldLeaseSweepMs: number;
  fullSweepEvery: number;
  monitor: MonitorSettings & { periodMs: number; enabled: boolean };
  /** Own any partition a request names (single-broker deployments, the benchmark). */
  autoAssign: boolean;
  /** OpenTelemetry instruments (broker-instruments.ts); no-op ones when the process exports nothing. */
  instruments: BrokerInstruments;
  /** How claims are recorded (claim-batcher.ts): one lease row per claim batch, or per job row. */
  claims: ClaimMode;
  /** Lease mode: whether leases may be written now (every live broker honours them); per-job claims while not. */
  leasesAllowed: () => boolean;
}

export interface PartitionInfo {
  queue: string;
  partition: number;
  epoch: number;
  buffered: number;
}

interface Pick {
  part: OwnedPartition;
  jobs: BufferedJob[];
}

/** One claim batch's jobs, and in lease mode the lease claiming each (parallel). */
interface Claimed {
  jobs: DequeuedJob[];
  leaseIds: bigint[];
}

/** Most jobs one settled notice is read for; the rest are found by the held-lease sweep. */
const MAX_NOTICED_SETTLED = 10_000;

/**
 * The dequeue broker: exclusively owns queue partitions (`assign`/`release`), keeps their ready
 * jobs in memory (OwnedPartition), serves dequeues from there and claims what it hands out in
 * grouped, epoch-fenced MySQL transactions before replying. Runs the claim-timeout/GC monitor for
 * its own partitions only.
 */
export class DequeueBroker implements PartitionOwnership {
  readonly counters: BrokerCounters = newBrokerCounters();
  private readonly parts = new Map<string, OwnedPartition>();
  private readonly assigning = new Map<string, Promise<number>>();
  private readonly store: BrokerStore;
  private readonly registry: QueueRegistry;
  /** Claims in this broker's mode; and per job, for dequeues of gateways that need per-job claims (`perJobOnly`). */
  private readonly batchers: Record<ClaimMode, ClaimBatcher>;
  /** Claim leases: acks, takeover loads and lease deletion (lease-keeper.ts). */
  private readonly keeper: LeaseKeeper;
  private readonly active = new Set<Promise<unknown>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private closing: Promise<void> | undefined;
  /** The held-lease sweep running, if one is (the next tick skips; close() waits for it). */
  private sweepingLeases: Promise<void> | undefined;
  /** Set while the coordinator is disconnected: nothing is served, nothing is released. */
  private suspended = false;
  /** When the previous safety sweep started (its probes look back from there). */
  private lastSweepAtMs: number | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(private readonly options: DequeueBrokerOptions) {
    this.store = new BrokerStore(options.pool);
    this.registry = new QueueRegistry(options.pool, options.clock, { numPartitions: 1, numPriorities: 1, cacheMs: 60_000 });
    const batcher = (mode: ClaimMode): ClaimBatcher => new ClaimBatcher(mode, this.store, options.clock, this.counters, options.instruments);
    const perJob = batcher('per-job');
    this.batchers = { 'per-job': perJob, lease: options.claims === 'lease' ? batcher('lease') : perJob };
    this.keeper = new LeaseKeeper(options.pool, options.clock, options.logger);
    this.every(LEASE_DELETE_EVERY_MS, () => this.keeper.deleteEmptied());
    this.every(options.heldLeaseSweepMs, () => this.sweepHeldLeasesOnce());
    options.instruments.observePartitions(this);
    if (options.safetySweepMs > 0) this.every(options.safetySweepMs, () => this.sweepOnce());
    if (options.monitor.enabled) this.every(options.monitor.periodMs, () => this.runMonitor());
  }

  get brokerId(): string {
    return this.options.brokerId;
  }

  async assign(queue: string, partition: number, epoch?: number): Promise<number> {
    this.assertOpen();
    const key = partKey(queue, partition);
    const pending = this.assigning.get(key);
    if (pending !== undefined) return pending;
    const run = this.doAssign(queue, partition, epoch).finally(() => this.assigning.delete(key));
    this.assigning.set(key, run);
    return run;
  }

  async release(queue: string, partition: number): Promise<void> {
    const part = this.drop(queue, partition);
    if (part === undefined) return;
    await this.claimsFlushed(); // claims that may still name this partition
    await part.quiesce();
    await releaseOwner(this.options.pool, this.options.clock, part.owner);
    this.options.logger.info({ queue, partition, epoch: part.owner.epoch }, 'released partition');
  }

  suspend(): void {
    if (!this.suspended) this.options.logger.warn({ partitions: this.parts.size }, 'suspended: serving nothing until resumed');
    this.suspended = true;
  }

  resume(): void {
    if (this.suspended) this.options.logger.info({ partitions: this.parts.size }, 'resumed serving');
    this.suspended = false;
  }

  owned(): Map<string, number> {
    return new Map([...this.parts].map(([k, p]) => [k, p.owner.epoch]));
  }

  partitions(): PartitionInfo[] {
    return [...this.parts.values()].map((p) => ({ ...pick(p.owner), buffered: p.buffered }));
  }

  /** Serves a dequeue priority-major over the requested partitions; replies after claims commit. */
  dequeue(args: BrokerDequeueArgs): Promise<BrokerDequeueReply> {
    this.assertOpen();
    const startedAt = performance.now();
    const seconds = (): number => (performance.now() - startedAt) / 1000;
    return this.track(this.doDequeue(args).then(
      (reply) => {
        this.options.instruments.dequeued(seconds());
        return reply;
      },
      (e: unknown) => {
        this.options.instruments.dequeued(seconds(), errorTypeOf(e));
        throw e;
      },
    ));
  }

  /**
   * Jobs became pending in these partitions (gateway after enqueue, retries, moveToPending); in
   * lease mode also the jobs an API acked itself (`settled`, read first: noticeSettled).
   */
  async notifyPending(queue: string, partitions: number[], runAfterMs?: number, priorities?: number[], settled?: ReadonlyArray<{ partition: number; id: number }>): Promise<void> {
    this.assertOpen();
    if (settled !== undefined && settled.length > 0) await this.noticeSettled(queue, settled);
    for (const partition of partitions) {
      const part = this.parts.get(partKey(queue, partition)) ?? (await this.maybeAutoAssign(queue, partition));
      part?.markPending(priorities, runAfterMs);
    }
  }

  /**
   * Jobs of `queue` acked by their lease outside this broker (lease mode: the API acks jobs it
   * served itself, api/direct-acks.ts). Their rows are read, and those settled leave the
   * lease map (leases left empty are deleted); nothing is taken on the caller's word. Jobs of
   * partitions not owned here, or not in the map, are ignored.
   */
  private noticeSettled(queue: string, refs: ReadonlyArray<{ partition: number; id: number }>): Promise<void> {
    if (refs.length > MAX_NOTICED_SETTLED) this.options.logger.warn({ queue, jobs: refs.length }, 'settled notice too long: the rest is left to the held-lease sweep');
    const byPartition = new Map<number, number[]>();
    for (const { partition, id } of refs.slice(0, MAX_NOTICED_SETTLED)) {
      const ids = byPartition.get(partition) ?? [];
      ids.push(id);
      byPartition.set(partition, ids);
    }
    const entries = [...byPartition].flatMap(([partition, ids]) => {
      const part = this.parts.get(partKey(queue, partition));
      return part === undefined ? [] : [{ part, ids }];
    });
    return this.track(this.keeper.collectJobs(entries));
  }

  /**
   * Acks of `queue`'s jobs (lease mode routes every ack to the owning broker: only it knows which
   * lease claims a job). Jobs of partitions this broker does not own are not acked: their
   * partitions come back in `notOwned`, for the caller to ask the new owner. Replies after the acks
   * committed; retried jobs are re-buffered when due.
   */
  ack(queue: string, succeeded: AckItem[], failed: AckItem[]): Promise<{ notOwned: number[] }> {
    this.assertOpen();
    const run = this.ownedOf(queue, [...succeeded, ...failed]).then(async ({ owned, notOwned }) => {
      const mine = (a: AckItem): boolean => owned.has(a.ref.partition);
      await this.keeper.ack(owned, succeeded.filter(mine), failed.filter(mine));
      return { notOwned };
    });
    return this.track(run);
  }

  /** The partitions of `items` this broker owns and serves now (taking them with autoAssign), and the others. */
  private async ownedOf(queue: string, items: ReadonlyArray<{ ref: { partition: number } }>): Promise<{ owned: Map<number, OwnedPartition>; notOwned: number[] }> {
    const owned = new Map<number, OwnedPartition>();
    const notOwned = new Set<number>();
    for (const { ref } of items) {
      if (owned.has(ref.partition) || notOwned.has(ref.partition)) continue;
      const part = this.suspended ? undefined : this.parts.get(partKey(queue, ref.partition)) ?? (await this.maybeAutoAssign(queue, ref.partition));
      if (part === undefined) notOwned.add(ref.partition);
      else owned.set(ref.partition, part);
    }
    return { owned, notOwned: [...notOwned] };
  }

  /**
   * Checkpoints of `queue`'s jobs (lease mode routes them to the owning broker, as acks). Items of
   * partitions this broker does not own are not applied: their partitions come back in `notOwned`.
   * Returns how many applied items changed nothing (PinLater's checkpoint no-ops).
   */
  checkpoint(queue: string, source: string, refs: CheckpointRef[]): Promise<{ notOwned: number[]; noops: number }> {
    this.assertOpen();
    const run = this.ownedOf(queue, refs).then(async ({ owned, notOwned }) => {
      const mine = refs.filter((c) => owned.has(c.ref.partition));
      const noops = await this.keeper.checkpoint(owned, queue, source, mine).catch((e: unknown) => {
        if (e instanceof LeaseOwnerFencedError) this.onFenced(e.owner);
        throw e;
      });
      return { notOwned, noops };
    });
    return this.track(run);
  }

  /** One monitor pass over every owned partition (also run by the timer). */
  async runMonitor(): Promise<Map<string, PartitionMonitorCounts>> {
    const report = new Map<string, PartitionMonitorCounts>();
    for (const part of [...this.parts.values()]) {
      const counts = await monitorPartition(this.options.pool, this.options.monitor, part.owner.queue, part.owner.partition, this.options.clock.nowMs(), part.owner);
      if (counts === undefined) {
        this.onFenced(part.owner);
        continue;
      }
      report.set(partKey(part.owner.queue, part.owner.partition), counts);
      part.leases.dropLeases(counts.settledLeaseIds ?? []);
      await this.keeper.collect(part);
      this.options.instruments.claimsTimedOut(part.owner.queue, counts.timeoutRetry, counts.timeoutDone);
      if (counts.timeoutRetry > 0) part.markPending(undefined);
    }
    return report;
  }

  /** Graceful stop: no new work, in-flight dequeues finish, partitions released, pool closed. */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await Promise.allSettled([...this.active]);
    await Promise.allSettled([...this.assigning.values()]);
    for (const part of [...this.parts.values()]) {
      await this.release(part.owner.queue, part.owner.partition).catch((e: unknown) =>
        this.options.logger.warn({ err: coerceError(e), queue: part.owner.queue }, 'release on close failed'));
    }
    if (this.options.ownsPool) await this.options.pool.end();
  }

  private async doAssign(queue: string, partition: number, epoch?: number): Promise<number> {
    const settings = await this.registry.require(queue);
    const next = await assignOwner(this.options.pool, this.options.clock, queue, partition, this.options.brokerId, epoch);
    this.drop(queue, partition);
    const owner: OwnerRef = { queue, partition, ownerId: this.options.brokerId, epoch: next };
    // In both claim modes: a per-job broker honours the leases a lease-mode owner left (a rollback).
    const leases = new PartitionLeases(next);
    const part = new OwnedPartition(
      owner, settings.numPriorities, this.store, this.options.clock, this.options.buffer, this.counters, this.options.logger, this.options.instruments,
      leases, (ids) => this.keeper.emptied(owner, ids),
    );
    // Before serving: the previous owners' open leases, so their jobs are not served again.
    await this.keeper.load(part);
    this.parts.set(partKey(queue, partition), part);
    this.options.logger.info({ queue, partition, epoch: next }, 'assigned partition');
    await part.refill().catch((e: unknown) => this.options.logger.warn({ err: coerceError(e), queue, partition }, 'initial refill failed'));
    return next;
  }

  private async doDequeue(args: BrokerDequeueArgs): Promise<BrokerDequeueReply> {
    this.counters.dequeueCalls += 1;
    const notOwned: number[] = [];
    const parts: OwnedPartition[] = [];
    if (this.suspended) return { jobs: [], notOwned: [...args.partitions], readyLeft: args.priorities.map(() => 0) };
    for (const partition of args.partitions) {
      const part = this.parts.get(partKey(args.queue, partition)) ?? (await this.maybeAutoAssign(args.queue, partition));
      if (part === undefined) notOwned.push(partition);
      else parts.push(part);
    }
    const jobs: DequeuedJob[] = [];
    const leaseIds: bigint[] = [];
    const mode = this.claimMode(args); // one mode for the whole reply
    const waited = { reads: 0, added: 0 };
    for (let round = 0; round < 3 && jobs.length < args.limit; round += 1) {
      let claimed: Claimed;
      try {
        const picks = await this.pickJobs(parts, args.priorities, args.limit - jobs.length, waited);
        if (picks.length === 0) break;
        claimed = await this.claimPicks(picks, args, notOwned, mode);
      } catch (e) {
        // Jobs claimed by an earlier round are durable and ours: hand them out rather than strand
        // them IN_PROGRESS until the claim timeout.
        if (jobs.length === 0) throw e;
        this.options.logger.warn({ err: coerceError(e), queue: args.queue }, 'dequeue round failed; replying with the jobs already claimed');
        break;
      }
      if (claimed.jobs.length === 0) break;
      jobs.push(...claimed.jobs);
      leaseIds.push(...claimed.leaseIds);
    }
    if (waited.reads > 0) {
      this.counters.dequeueReads += 1;
      if (waited.added === 0) this.counters.emptyDequeueReads += 1;
    }
    const readyLeft = args.priorities.map((p) => parts.reduce((n, part) => n + part.readyCount(p), 0));
    return mode === 'lease' ? { jobs, notOwned, readyLeft, leaseIds } : { jobs, notOwned, readyLeft };
  }

  /**
   * Takes jobs from the buffers, priority-major. If a refill fails (MySQL down) after jobs were
   * taken from another partition, those are given back (settled, and re-read from MySQL where
   * they are still pending) before the error propagates: a taken job stays in `inflight`, which
   * refills skip, so a lost pick would never be served again.
   */
  private async pickJobs(parts: OwnedPartition[], priorities: number[], limit: number, waited: { reads: number; added: number }): Promise<Pick[]> {
    const picks: Pick[] = [];
    try {
      let remaining = limit;
      for (const priority of priorities) {
        for (const part of parts) {
          if (remaining <= 0) return picks;
          if (priority > part.numPriorities || !this.parts.has(partKey(part.owner.queue, part.owner.partition))) continue;
          const w = await part.prepare(priority, remaining);
          waited.reads += w.reads;
          waited.added += w.added;
          const taken = part.take(priority, remaining);
          if (taken.length > 0) picks.push({ part, jobs: taken });
          remaining -= taken.length;
        }
      }
      return picks;
    } catch (e) {
      giveBack(picks);
      throw e;
    }
  }

  /**
   * How this dequeue's jobs are claimed (called once per dequeue, which it counts when it holds
   * leases back): the broker's mode, or per job for a caller that needs it, and while a live broker
   * of the cluster does not honour leases.
   */
  private claimMode(args: BrokerDequeueArgs): ClaimMode {
    if (this.options.claims === 'per-job') return 'per-job';
    if (args.perJobOnly === true) {
      this.counters.perJobOnlyDequeues += 1;
      return 'per-job';
    }
    if (!this.options.leasesAllowed()) {
      this.counters.leasesWithheldDequeues += 1;
      return 'per-job';
    }
    return 'lease';
  }

  /** Resolves when every claim submitted before this call has finished, in either mode. */
  private async claimsFlushed(): Promise<void> {
    await Promise.all([this.batchers.lease.flushed(), this.batchers['per-job'].flushed()]);
  }

  /** Claims the picks (one claim batch); returns the jobs claimed, with their leases in lease mode. */
  private async claimPicks(picks: Pick[], args: BrokerDequeueArgs, notOwned: number[], mode: ClaimMode): Promise<Claimed> {
    const groups: LeaseClaimGroup[] = picks.map((p) => ({
      owner: p.part.owner, claimDescriptor: args.claimDescriptor, ids: p.jobs.map((j) => j.id), leaseId: mode === 'lease' ? p.part.leases.nextLeaseId() : 0n,
    }));
    let outcome: LeaseClaimOutcome;
    try {
      outcome = await this.batchers[mode].submit(groups);
    } catch (e) {
      // Not durable → not handed out. The jobs stay pending in MySQL; re-read them later.
      giveBack(picks);
      throw e;
    }
    for (const owner of outcome.fenced) {
      if (owner.queue === args.queue && !notOwned.includes(owner.partition)) notOwned.push(owner.partition);
      this.onFenced(owner);
    }
    // The outcome is the whole claim batch's (other dequeues' leases too): each pick (a partition's
    // jobs of this dequeue) has the lease id of its group, written or not (0n when claimed per job).
    const out: Claimed = { jobs: [], leaseIds: [] };
    picks.forEach((p, at) => {
      const leaseId = (groups[at] as LeaseClaimGroup).leaseId;
      const lease = leaseId === 0n ? undefined : outcome.leases.find((l) => l.leaseId === leaseId && l.owner === p.part.owner);
      if (lease !== undefined) p.part.leases.add({ leaseId, claimDescriptor: lease.claimDescriptor, claimedAtMs: outcome.atMs }, lease.jobIds);
      for (const job of p.jobs) {
        if (outcome.claimed.has(job.id)) {
          out.jobs.push(toDequeued(args.queue, p.part.owner.partition, job, outcome.atMs));
          out.leaseIds.push(lease === undefined ? 0n : leaseId);
        } else if (!outcome.fenced.includes(p.part.owner)) this.counters.vanishedJobs += 1;
      }
      p.part.settle(p.jobs.map((j) => j.id));
    });
    return out;
  }

  private async maybeAutoAssign(queue: string, partition: number): Promise<OwnedPartition | undefined> {
    if (!this.options.autoAssign || this.closing !== undefined) return undefined;
    const settings = await this.registry.get(queue);
    if (settings === undefined || partition < 0 || partition >= settings.numPartitions) return undefined;
    await this.assign(queue, partition);
    return this.parts.get(partKey(queue, partition));
  }

  private onFenced(owner: OwnerRef): void {
    this.counters.fencedClaims += 1;
    const current = this.parts.get(partKey(owner.queue, owner.partition));
    if (current?.owner.epoch === owner.epoch) this.drop(owner.queue, owner.partition);
    this.options.logger.warn({ queue: owner.queue, partition: owner.partition, epoch: owner.epoch }, 'fenced: a newer owner took the partition');
  }

  private drop(queue: string, partition: number): OwnedPartition | undefined {
    const key = partKey(queue, partition);
    const part = this.parts.get(key);
    if (part === undefined) return undefined;
    this.parts.delete(key);
    part.close();
    return part;
  }

  /** One held-lease sweep at a time (HELD_LEASE_SWEEP_EVERY_MS, bounded); close() waits for it. */
  private sweepHeldLeasesOnce(): Promise<void> | undefined {
    if (this.sweepingLeases !== undefined || this.closing !== undefined || this.suspended) return undefined;
    this.sweepingLeases = this.track(this.sweepHeldLeases()).finally(() => {
      this.sweepingLeases = undefined;
    });
    return this.sweepingLeases;
  }

  private async sweepHeldLeases(): Promise<void> {
    const beforeMs = this.options.clock.nowMs() - this.options.heldLeaseSweepMs;
    let budget = HELD_LEASE_SWEEP_MAX_JOBS;
    const entries: Array<{ part: OwnedPartition; ids: number[] }> = [];
    for (const part of this.parts.values()) {
      if (budget <= 0) break;
      const ids = part.leases.jobsClaimedBefore(beforeMs, budget);
      budget -= ids.length;
      if (ids.length > 0) entries.push({ part, ids });
    }
    if (entries.length > 0) await this.keeper.collectJobs(entries);
  }

  /** One sweep at a time (a slow one is not overlapped by the next tick); close() waits for it. */
  private sweepOnce(): Promise<void> | undefined {
    if (this.sweeping !== undefined || this.closing !== undefined) return undefined;
    this.sweeping = this.track(this.sweep()).finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  /**
   * The safety sweep. A job that became pending has updated_at_ms = the time it did (set by the
   * gateway that made it so, on that machine's clock), so a partition needs a re-read only if a
   * probe finds a pending job updated since the previous sweep started, minus SWEEP_LOOKBACK_MS
   * for commit latency and clock skew. Every `fullSweepEvery`-th sweep (and the first) re-reads
   * every partition anyway: jobs written with older times (imports, a clock far behind) are found
   * there. A job not yet due is found by a re-read too, which schedules its wake timer.
   */
  private async sweep(): Promise<void> {
    const startedAtMs = this.options.clock.nowMs();
    const full = this.counters.sweeps % this.options.fullSweepEvery === 0; // the first one too (0)
    const sinceMs = (this.lastSweepAtMs ?? startedAtMs) - SWEEP_LOOKBACK_MS;
    this.counters.sweeps += 1;
    if (full) this.counters.fullSweeps += 1;
    this.lastSweepAtMs = startedAtMs;
    for (const part of [...this.parts.values()]) {
      if (this.closing !== undefined) return;
      if (full || (await this.store.pendingSince(part.owner.queue, part.owner.partition, sinceMs))) part.markPending(undefined);
    }
  }

  private every(ms: number, fn: () => unknown): void {
    const timer = setInterval(() => {
      Promise.resolve()
        .then(fn)
        .catch((e: unknown) => this.options.logger.warn({ err: coerceError(e) }, 'periodic broker task failed'));
    }, ms);
    this.timers.push(timer);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.active.add(p);
    p.then(() => this.active.delete(p), () => this.active.delete(p));
    return p;
  }

  private assertOpen(): void {
    if (this.closing !== undefined) throw new BrokerClosedError(this.options.brokerId);
  }
}

/** The broker is shutting down; the caller should try again (another owner will take over). */
export class BrokerClosedError extends Error {
  constructor(brokerId: string) {
    super(`Pacer broker ${brokerId} is shutting down`);
    this.name = 'BrokerClosedError';
  }
}

/** How often claim leases whose jobs are all settled are deleted (one fenced DELETE per partition). */
export const LEASE_DELETE_EVERY_MS = 1000;
/**
 * The held-lease sweep: every HELD_LEASE_SWEEP_EVERY_MS, jobs of leases older than that are
 * re-read, at most HELD_LEASE_SWEEP_MAX_JOBS per pass over all partitions (oldest leases first), so
 * jobs an API acked itself whose notice never arrived (no owner known, an RPC lost, a takeover
 * loading them meanwhile) leave the lease map without the monitor pass (which may be off).
 */
export const HELD_LEASE_SWEEP_EVERY_MS = 10_000;
export const HELD_LEASE_SWEEP_MAX_JOBS = 10_000;

/** How far before the previous sweep a sweep's probe looks (commit latency, clock skew). */
export const SWEEP_LOOKBACK_MS = 2000;

/** Picks that will not be handed out: no longer in flight, and re-read from MySQL. */
function giveBack(picks: Pick[]): void {
  for (const p of picks) {
    p.part.settle(p.jobs.map((j) => j.id));
    p.part.markPending(undefined);
  }
}

export function partKey(queue: string, partition: number): string {
  return `${queue}/${partition}`;
}

function pick(owner: OwnerRef): { queue: string; partition: number; epoch: number } {
  return { queue: owner.queue, partition: owner.partition, epoch: owner.epoch };
}

function toDequeued(queue: string, partition: number, job: BufferedJob, nowMs: number): DequeuedJob {
  return {
    descriptor: formatPacerDescriptor({ queue, partition, priority: job.priority, id: job.id }),
    body: job.body,
    attemptsAllowed: job.attemptsAllowed,
    attemptsRemaining: job.attemptsRemaining,
    createdAtMs: job.createdAtMs,
    updatedAtMs: nowMs,
  };
}
