import type { Clock } from '../../../core/src/util/clock';
import type { Logger } from '../../../core/src/logging/logger';
import type { BrokerStore, BufferedJob } from '../datastore/broker-store';
import type { OwnerRef } from '../datastore/partition-owners';
import type { BrokerCounters } from './broker-counters';
import type { BrokerInstruments } from './broker-instruments';
import { ReadyBuffer } from './ready-buffer';
import type { PartitionLeases } from './partition-leases';

export interface BufferSettings {
  /** Jobs read per refill of one priority (the buffer holds about this many). */
  capacityPerPriority: number;
  /** Refill in the background when a priority's buffer drops below this and MySQL has more. */
  lowWater: number;
}

/** Refill passes a dequeue may wait for before serving what is there. */
const MAX_WAITED_REFILLS = 3;

/** Wake timers are capped (setTimeout overflows past 2^31 ms); an early wake just re-reads. */
const MAX_TIMER_MS = 3_600_000;

/**
 * One partition a broker owns: per-priority buffers of ready jobs and the refill logic.
 *
 * A priority's buffer is `complete` when the last refill read every ready job of it; then nothing
 * is read again until a notification (enqueue, retry, moveToPending, monitor), the wake timer
 * (next future run-after) or the safety sweep says something changed: no hot polling. Each
 * notification bumps `notifiedGen`; a dequeue waits until a refill that started after the newest
 * notification finished (`loadedGen`), so a job enqueued before a dequeue is visible to it.
 */
export class OwnedPartition {
  private readonly buffers: ReadyBuffer[];
  private readonly complete: boolean[];
  private readonly notifiedGen: number[];
  private readonly loadedGen: number[];
  /** Ids taken from the buffer whose claim has not finished. */
  readonly inflight = new Set<number>();
  private refilling: Promise<number> | undefined;
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAtMs = Infinity;
  private closed = false;

  constructor(
    readonly owner: OwnerRef,
    readonly numPriorities: number,
    private readonly store: BrokerStore,
    private readonly clock: Clock,
    private readonly settings: BufferSettings,
    private readonly counters: BrokerCounters,
    private readonly logger: Logger,
    private readonly instruments: BrokerInstruments,
    /** The partition's open claim leases (their jobs are never buffered); empty unless leases were written. */
    readonly leases: PartitionLeases,
    /** Leases whose jobs the refill found all settled elsewhere (the broker deletes them). */
    private readonly onLeasesEmptied: (leaseIds: bigint[]) => void,
  ) {
    this.buffers = Array.from({ length: numPriorities }, () => new ReadyBuffer());
    this.complete = new Array<boolean>(numPriorities).fill(false);
    this.notifiedGen = new Array<number>(numPriorities).fill(1);
    this.loadedGen = new Array<number>(numPriorities).fill(0);
  }

  get buffered(): number {
    return this.buffers.reduce((n, b) => n + b.size, 0);
  }

  readyCount(priority: number): number {
    return this.buffer(priority)?.readyCount(this.clock.nowMs()) ?? 0;
  }

  /** Jobs became pending (at `runAfterMs`, default now) in some priorities (default all). */
  markPending(priorities: number[] | undefined, runAfterMs?: number): void {
    if (this.closed) return;
    if (runAfterMs !== undefined && runAfterMs > this.clock.nowMs()) {
      this.scheduleWake(runAfterMs);
      return;
    }
    for (const p of priorities ?? this.allPriorities()) {
      if (p >= 1 && p <= this.numPriorities) this.notifiedGen[p - 1] = (this.notifiedGen[p - 1] as number) + 1;
    }
    this.kick();
  }

  /**
   * Waits until the buffer of `priority` reflects every notification and holds `need` if MySQL has
   * them. Returns what the dequeue waited for: refill passes, and jobs they added (all priorities).
   */
  async prepare(priority: number, need: number): Promise<{ reads: number; added: number }> {
    const i = priority - 1;
    const target = this.notifiedGen[i] as number;
    const waited = { reads: 0, added: 0 };
    for (let pass = 0; pass < MAX_WAITED_REFILLS && !this.closed; pass += 1) {
      const stale = (this.loadedGen[i] as number) < target;
      const short = !this.complete[i] && this.readyCount(priority) < need;
      if (!stale && !short) break;
      waited.added += await this.refill();
      waited.reads += 1;
    }
    return waited;
  }

  /** Takes up to `n` ready jobs of `priority` for a claim (they stay in `inflight` until settled). */
  take(priority: number, n: number): BufferedJob[] {
    const jobs = this.buffer(priority)?.takeReady(this.clock.nowMs(), n) ?? [];
    for (const j of jobs) this.inflight.add(j.id);
    return jobs;
  }

  /**
   * Runs `renew`, a lease checkpoint of these jobs, with them kept out of refills as a claim's are
   * (`inflight`) until it returns. The checkpoint settles their lease and names them in a new one
   * in MySQL before this broker's map learns of the new lease: a refill reading the rows meanwhile
   * would find the old lease settled, release the jobs and buffer them, and they would be claimed
   * again while the new lease holds them (a double serve; seen in migration-end-to-end).
   */
  async renewing<T>(ids: readonly number[], renew: () => Promise<T>): Promise<T> {
    const held = [...new Set(ids)].filter((id) => !this.inflight.has(id));
    for (const id of held) this.inflight.add(id);
    try {
      return await renew();
    } finally {
      for (const id of held) this.inflight.delete(id);
    }
  }

  /** The claim of these ids finished (claimed or not); refill in the background if running low. */
  settle(ids: number[]): void {
    for (const id of ids) this.inflight.delete(id);
    if (this.allPriorities().some((p) => this.needsRefill(p))) this.kick();
  }

  /** Starts a background refill if one is needed and none runs. */
  kick(): void {
    if (this.closed || this.refilling !== undefined) return;
    this.refill().catch((e: unknown) => this.logger.warn({ err: e, queue: this.owner.queue, partition: this.owner.partition }, 'refill failed'));
  }

  /** One refill pass (shared by concurrent callers); resolves with the number of jobs it added. */
  refill(): Promise<number> {
    this.refilling ??= this.refillPass().finally(() => {
      this.refilling = undefined;
    });
    return this.refilling;
  }

  close(): void {
    this.closed = true;
    if (this.wakeTimer !== undefined) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    for (const b of this.buffers) b.clear();
    this.leases.clear();
  }

  /** Resolves when no refill runs. */
  async quiesce(): Promise<void> {
    while (this.refilling !== undefined) await this.refilling.catch(() => undefined);
  }

  private async refillPass(): Promise<number> {
    const gens = [...this.notifiedGen];
    const nowMs = this.clock.nowMs();
    let added = 0;
    for (const p of this.allPriorities()) {
      if (this.closed) return added;
      if (!this.needsRefill(p)) continue;
      added += await this.refillPriority(p, nowMs);
      this.loadedGen[p - 1] = Math.max(this.loadedGen[p - 1] as number, gens[p - 1] as number);
    }
    const completePriorities = this.allPriorities().filter((p) => this.complete[p - 1]);
    if (completePriorities.length === 0 || this.closed) return added;
    const next = await this.store.nextRunAfter(this.owner.queue, this.owner.partition, completePriorities, nowMs);
    if (next !== undefined) this.scheduleWake(next);
    return added;
  }

  private async refillPriority(priority: number, nowMs: number): Promise<number> {
    const buffer = this.buffer(priority) as ReadyBuffer;
    const limit = this.settings.capacityPerPriority + this.inflight.size + this.leases.jobCount;
    const ids = await this.store.readyIds(this.owner.queue, this.owner.partition, priority, nowMs, limit);
    await this.releaseSettled(ids);
    const fresh = ids.filter((id) => !buffer.has(id) && !this.inflight.has(id) && !this.leases.has(id));
    const jobs = await this.store.pendingByIds(fresh);
    // Read before these awaits: a job claimed or leased meanwhile is not buffered.
    if (!this.closed) buffer.add(jobs.filter((j) => !this.inflight.has(j.id) && !this.leases.has(j.id)));
    this.complete[priority - 1] = ids.length < limit;
    this.counters.refills += 1;
    if (jobs.length === 0) this.counters.emptyRefills += 1;
    this.instruments.refillRead(jobs.length > 0);
    return jobs.length;
  }

  /**
   * Ready rows (state 0, due) that the lease map still holds are re-read: a failure ack
   * with a retry, a claim timeout or a later lease settled them (settled_lease), and they are then
   * released so this refill buffers them. Rows still claimed stay out of the buffer.
   */
  private async releaseSettled(ids: number[]): Promise<void> {
    const leases = this.leases;
    const held = ids.filter((id) => leases.has(id));
    if (held.length === 0) return;
    const rows = await this.store.settledRows(held);
    const emptied = leases.settle(leases.settledCheck(rows, held));
    if (emptied.length > 0) this.onLeasesEmptied?.(emptied);
  }

  private needsRefill(priority: number): boolean {
    const i = priority - 1;
    if ((this.loadedGen[i] as number) < (this.notifiedGen[i] as number)) return true;
    return !this.complete[i] && (this.buffer(priority) as ReadyBuffer).size < this.settings.lowWater;
  }

  private scheduleWake(atMs: number): void {
    if (this.closed || atMs >= this.wakeAtMs) return;
    if (this.wakeTimer !== undefined) clearTimeout(this.wakeTimer);
    this.wakeAtMs = atMs;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.wakeAtMs = Infinity;
      this.markPending(undefined);
    }, Math.min(MAX_TIMER_MS, Math.max(0, atMs - this.clock.nowMs()) + 1));
  }

  private buffer(priority: number): ReadyBuffer | undefined {
    return this.buffers[priority - 1];
  }

  private allPriorities(): number[] {
    return Array.from({ length: this.numPriorities }, (_, i) => i + 1);
  }
}
