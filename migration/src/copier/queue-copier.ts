/**
 * One queue's copier run (docs/migration.md "The copier"): holds the queue's lease, finishes what
 * an earlier copier left, then moves the side the queue leaves to its destination batch by batch
 * (throttled, pausable within `controlPollMs`), and flips the routing record when that side has
 * stayed empty for the quiet period and every live gateway serves the migration.
 */
import type { JobMover } from '../../../core/src/interfaces/job-mover';
import type { CopierInstruments } from './copier-instruments';
import { MOVABLE_STATES, type MovableState } from '../../../core/src/interfaces/job-mover';
import type { PinLaterBackend } from '../../../core/src/interfaces/pinlater-backend';
import type { Logger } from '../../../core/src/logging/logger';
import type { MigrationRow, MigrationStates } from '../../../core/src/migration/migration-state';
import type { LeaseFence, MoveLedger } from '../../../core/src/migration/move-ledger';
import { LeaseLostError } from '../../../core/src/migration/move-ledger';
import type { Clock } from '../../../core/src/util/clock';
import { coerceError } from '../../../core/src/errors/coerce-error';
import type { RoutingAccess } from './routing-access';
import { RoutingConflictError } from '../routing/routing-errors';
import type { RoutingRecord } from '../routing/routing-record';
import type { CopierSettings } from './copier-settings';
import { CopyThrottle } from './copy-throttle';
import { isDrained, sourceLeft } from './drain-check';
import { recoverMoves, settleOppositeDirection, takeAndMove, type MoveHooks, type MoveSides, type MovedCounts } from './move-protocol';

export interface QueueCopierDeps {
  readonly queue: string;
  /** This copier's id (lease owner, `changedBy` of its flips). */
  readonly owner: string;
  readonly legacy: PinLaterBackend;
  readonly pacer: PinLaterBackend;
  readonly ledger: MoveLedger;
  readonly states: MigrationStates;
  readonly routing: RoutingAccess;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly settings: CopierSettings;
  readonly numPriorityLevels: number;
  /** Resolves after `ms`, or early when the process is stopping. */
  readonly sleep: (ms: number) => Promise<void>;
  readonly stopping: () => boolean;
  readonly hooks?: MoveHooks;
  /** Called after each batch and each check (progress for logs and the operator command). */
  readonly onProgress?: (event: CopierEvent) => void;
  /** OpenTelemetry instruments (copier-instruments.ts): jobs moved, the configured rate. */
  readonly instruments?: CopierInstruments;
}

export type CopierEvent =
  | { readonly kind: 'moved'; readonly queue: string; readonly counts: MovedCounts; readonly rate: number }
  | { readonly kind: 'flipped'; readonly queue: string; readonly to: 'pacer' | 'legacy'; readonly tableVersion: number }
  | { readonly kind: 'waiting'; readonly queue: string; readonly reason: string };

/** Why a run ended: the supervisor decides what next (another run later, or nothing). */
export type RunEnd = 'busy' | 'lost-lease' | 'done' | 'superseded' | 'stopped' | 'not-migrating';

export class QueueCopier {
  private readonly throttle: CopyThrottle;
  private lastRenewMs = 0;
  /** Where the next sweep starts: index into (MOVABLE_STATES × priorities). */
  private slot = 0;
  private record: { value: RoutingRecord | undefined; readAtMs: number } | undefined;

  constructor(private readonly deps: QueueCopierDeps) {
    this.throttle = new CopyThrottle(deps.clock, { ratePerSecond: 1, latencyThresholdMs: deps.settings.latencyThresholdMs });
  }

  /** One run: until the migration ends, the lease is lost, or the process stops. */
  async run(): Promise<RunEnd> {
    const { states, queue, owner, settings } = this.deps;
    const fence = await states.acquireLease(queue, owner, settings.leaseTtlMs);
    if (fence === undefined) return 'busy';
    this.lastRenewMs = this.deps.clock.nowMs();
    try {
      return await this.work(fence);
    } catch (e) {
      if (e instanceof LeaseLostError) return 'lost-lease';
      await states.recordProgress(fence, { lastError: coerceError(e).message.slice(0, 1000) }).catch(() => false);
      throw e;
    } finally {
      await states.releaseLease(fence).catch((e: unknown) => this.deps.logger.warn({ err: e }, 'could not release the copier lease (it expires)'));
    }
  }

  private async work(fence: LeaseFence): Promise<RunEnd> {
    const first = await this.deps.states.get(this.deps.queue);
    if (first === undefined || !isActive(first)) return 'not-migrating';
    const sides = this.sides(first, fence);
    this.deps.logger.info({ migrationId: first.migrationId, direction: first.direction, epoch: fence.epoch, previousOwner: first.leaseOwner }, 'copier took the queue\'s lease; finishing what an earlier copier left');
    await settleOppositeDirection(this.deps.queue, this.deps.ledger, sides.target, sides.source, this.deps.settings.batchSize);
    const recovered = await recoverMoves(sides, this.deps.settings.batchSize, this.deps.hooks);
    if (total(recovered) > 0) this.deps.logger.info({ recovered }, 'copier finished the moves an earlier copier left in flight');
    await this.progress(fence, recovered);
    if (first.firstSeenTableVersion === null) await this.noteFirstSeen(fence, first);
    for (;;) {
      if (this.deps.stopping()) return 'stopped';
      if (!(await this.renew(fence))) return 'lost-lease';
      const row = await this.deps.states.get(this.deps.queue);
      if (row === undefined || row.migrationId !== first.migrationId) return 'superseded';
      if (!isActive(row)) return 'done';
      if (row.paused) {
        this.emit({ kind: 'waiting', queue: this.deps.queue, reason: 'paused' });
        await this.deps.sleep(this.deps.settings.controlPollMs);
        continue;
      }
      const routed = await this.routedForWork(row);
      if (routed !== undefined) {
        this.emit({ kind: 'waiting', queue: this.deps.queue, reason: routed });
        await this.deps.sleep(this.deps.settings.controlPollMs);
        continue;
      }
      this.throttle.setRate(row.rateLimitPerS);
      this.deps.instruments?.setRate(this.deps.queue, row.rateLimitPerS);
      const { moved, passDone } = await this.sweep(sides);
      if (total(moved) > 0) {
        await this.progress(fence, moved, row.sourceEmptySinceMs === null ? undefined : null);
        continue;
      }
      if (passDone) await this.whenNothingMoved(fence, row, sides);
    }
  }

  /**
   * Moves only while the routing record sends clients where the moved jobs go: `migrating` in this
   * direction while copying (gateways serve both sides), the destination once complete. A row
   * written before its record (`migrate start` stopped between the two) would otherwise move jobs
   * to a side no gateway serves yet. Returns why not, or undefined. The record is read at most once
   * a second.
   */
  private async routedForWork(row: MigrationRow): Promise<string | undefined> {
    const now = this.deps.clock.nowMs();
    if (this.record === undefined || now - this.record.readAtMs >= 1000) this.record = { value: await this.deps.routing.read(this.deps.queue), readAtMs: now };
    const record = this.record.value;
    const expected = row.status === 'copying' ? `migrating ${row.direction}` : row.direction === 'to-pacer' ? 'pacer' : 'legacy';
    const actual = record === undefined ? 'no record' : `${record.mode}${record.direction === undefined ? '' : ` ${record.direction}`}`;
    const served = actual === expected || (row.status === 'complete' && row.direction === 'to-pacer' && record?.mode === 'finalized');
    return served ? undefined : `routing record is ${actual}, not ${expected}: nothing is moved until it is`;
  }

  /**
   * Moves batches for at most `controlPollMs` (then the caller re-reads pause and rate), visiting
   * the (state, priority) slots in order — PENDING first, priority 1 first — and going on next time
   * from the slot it stopped at, so a slot found empty is not asked again until the pass comes
   * round. `passDone`: the last slot was reached in this call (a pass that moved nothing means the
   * source looked empty; the drain check confirms it).
   */
  private async sweep(sides: MoveSides): Promise<{ moved: MovedCounts; passDone: boolean }> {
    const { settings, clock, numPriorityLevels } = this.deps;
    const until = clock.nowMs() + settings.controlPollMs;
    const moved: MovedCounts = {};
    const slots = MOVABLE_STATES.length * numPriorityLevels;
    while (this.slot < slots) {
      const state = MOVABLE_STATES[Math.floor(this.slot / numPriorityLevels)] as MovableState;
      const priority = (this.slot % numPriorityLevels) + 1;
      if (clock.nowMs() >= until || this.deps.stopping()) return { moved, passDone: false };
      const granted = this.throttle.grant(settings.batchSize * settings.parallelBatches);
      if (granted === 0) {
        await this.deps.sleep(Math.min(this.throttle.msUntilNext(), Math.max(1, until - clock.nowMs())));
        continue;
      }
      const r = await this.moveParallel(sides, state, priority, granted);
      this.throttle.giveBack(granted - r.taken);
      add(moved, r.moved);
      this.deps.instruments?.moved(this.deps.queue, r.moved);
      if (r.taken > 0) this.emit({ kind: 'moved', queue: this.deps.queue, counts: r.moved, rate: this.throttle.effectiveRate() });
      if (r.taken < granted) this.slot += 1;
    }
    this.slot = 0;
    return { moved, passDone: true };
  }

  /**
   * `granted` jobs of one slot as up to `parallelBatches` batches of at most `batchSize`, moved at
   * the same time: each batch is its own take → stage → record → publish → finish (takes are
   * atomic, so two batches never hold the same job), and the round trips of one overlap the
   * other's. Every batch is settled before this returns; the first failure is then thrown.
   */
  private async moveParallel(sides: MoveSides, state: MovableState, priority: number, granted: number): Promise<{ taken: number; moved: MovedCounts }> {
    const sizes: number[] = [];
    for (let left = granted; left > 0; left -= this.deps.settings.batchSize) sizes.push(Math.min(left, this.deps.settings.batchSize));
    const results = await Promise.allSettled(sizes.map((n) => takeAndMove(sides, state, priority, n, this.deps.hooks)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    const moved: MovedCounts = {};
    let taken = 0;
    for (const r of results as Array<PromiseFulfilledResult<{ taken: number; moved: MovedCounts }>>) {
      taken += r.value.taken;
      add(moved, r.value.moved);
    }
    return { taken, moved };
  }

  /** Nothing to move: is the source drained, and may the queue be flipped? */
  private async whenNothingMoved(fence: LeaseFence, row: MigrationRow, sides: MoveSides): Promise<void> {
    const { clock, settings, queue } = this.deps;
    const left = await sourceLeft(queue, this.sourceBackend(row), sides.source, sides.target);
    const now = clock.nowMs();
    if (!isDrained(left)) {
      if (row.sourceEmptySinceMs !== null) await this.progress(fence, {}, null);
      this.emit({ kind: 'waiting', queue, reason: `source not empty: ${JSON.stringify(left)}` });
      await this.deps.sleep(settings.controlPollMs);
      return;
    }
    const since = row.sourceEmptySinceMs ?? now;
    if (row.sourceEmptySinceMs === null) await this.progress(fence, {}, since);
    if (row.status === 'copying') await this.maybeFlip(fence, row, now - since);
    await this.deps.sleep(row.status === 'complete' ? settings.lateSweepIntervalMs : settings.controlPollMs);
  }

  private async maybeFlip(fence: LeaseFence, row: MigrationRow, emptyForMs: number): Promise<void> {
    const { routing, queue, settings } = this.deps;
    if (emptyForMs < settings.quietPeriodMs) {
      this.emit({ kind: 'waiting', queue, reason: `quiet period: empty for ${emptyForMs} of ${settings.quietPeriodMs} ms` });
      return;
    }
    const record = await routing.read(queue);
    if (record === undefined || record.mode !== 'migrating' || record.direction !== row.direction) {
      this.emit({ kind: 'waiting', queue, reason: `routing record is ${record === undefined ? 'missing' : `${record.mode}${record.direction === undefined ? '' : ` ${record.direction}`}`}, not migrating ${row.direction}` });
      return;
    }
    const seen = row.firstSeenTableVersion ?? (await this.noteFirstSeen(fence, row));
    const behind = (await routing.gateways()).filter((g) => !g.loaded || g.appliedVersion < seen);
    if (behind.length > 0) {
      this.emit({ kind: 'waiting', queue, reason: `gateways behind table version ${seen}: ${behind.map((g) => g.gatewayId).join(', ')}` });
      return;
    }
    await this.flip(fence, row, record);
  }

  private async flip(fence: LeaseFence, row: MigrationRow, record: RoutingRecord): Promise<void> {
    const { routing, queue, owner, states } = this.deps;
    const to = row.direction === 'to-pacer' ? 'pacer' : 'legacy';
    if (!(await this.renew(fence, true))) throw new LeaseLostError(fence);
    try {
      const written = await routing.write(queue, {
        mode: to, legacyCluster: row.legacyCluster, changedBy: `copier:${owner}`,
        reason: `migration ${row.migrationId}: ${to === 'pacer' ? 'legacy' : 'Pacer'} side drained and quiet; every live gateway serves the migration`,
      }, record.version);
      await states.setStatus(queue, row.migrationId, to === 'pacer' ? 'complete' : 'rolled-back');
      this.deps.logger.info({ migrationId: row.migrationId, to, tableVersion: written.tableVersion }, 'copier flipped the queue');
      this.emit({ kind: 'flipped', queue, to, tableVersion: written.tableVersion });
    } catch (e) {
      if (!(e instanceof RoutingConflictError)) throw e;
      this.deps.logger.warn({ err: e }, 'the routing record changed under the copier; reading it again');
    }
  }

  private async noteFirstSeen(fence: LeaseFence, row: MigrationRow): Promise<number> {
    const record = await this.deps.routing.read(this.deps.queue);
    const version = await this.deps.routing.tableVersion();
    if (record?.mode === 'migrating' && record.direction === row.direction) await this.progress(fence, {}, undefined, version);
    return version;
  }

  private async renew(fence: LeaseFence, force = false): Promise<boolean> {
    const now = this.deps.clock.nowMs();
    if (!force && now - this.lastRenewMs < this.deps.settings.leaseTtlMs / 3) return true;
    const ok = await this.deps.states.renewLease(fence, this.deps.settings.leaseTtlMs);
    if (ok) this.lastRenewMs = now;
    return ok;
  }

  private async progress(fence: LeaseFence, moved: MovedCounts, sourceEmptySinceMs?: number | null, firstSeenTableVersion?: number): Promise<void> {
    const ok = await this.deps.states.recordProgress(fence, {
      ...(total(moved) > 0 ? { moved } : {}),
      ...(sourceEmptySinceMs === undefined ? {} : { sourceEmptySinceMs }),
      ...(firstSeenTableVersion === undefined ? {} : { firstSeenTableVersion }),
      lastError: null,
    });
    if (!ok) throw new LeaseLostError(fence);
  }

  private sides(row: MigrationRow, fence: LeaseFence): MoveSides {
    const legacy: JobMover = this.deps.legacy.jobMover();
    const pacer: JobMover = this.deps.pacer.jobMover();
    const toPacer = row.direction === 'to-pacer';
    const source = toPacer ? legacy : pacer;
    return {
      queue: this.deps.queue, migrationId: row.migrationId, ledger: this.deps.ledger, fence,
      source: timedTake(source, (ms) => this.throttle.observeLatency(ms), this.deps.clock),
      target: toPacer ? pacer : legacy,
    };
  }

  private sourceBackend(row: MigrationRow): PinLaterBackend {
    return row.direction === 'to-pacer' ? this.deps.legacy : this.deps.pacer;
  }

  private emit(event: CopierEvent): void {
    this.deps.onProgress?.(event);
  }
}

/** Copying (moving jobs) or complete (sweeping late writes into the destination). */
export function isActive(row: MigrationRow): boolean {
  return row.status === 'copying' || row.status === 'complete';
}

/** The mover with its `take` timed (the source store's latency drives the back-off). */
function timedTake(mover: JobMover, observe: (ms: number) => void, clock: Clock): JobMover {
  return {
    take: async (queue, state, priority, limit) => {
      const start = clock.nowMs();
      const taken = await mover.take(queue, state, priority, limit);
      observe(clock.nowMs() - start);
      return taken;
    },
    listTaken: (q, n) => mover.listTaken(q, n),
    finish: (q, d) => mover.finish(q, d),
    restore: (q, d) => mover.restore(q, d),
    stage: (q, j) => mover.stage(q, j),
    listStaged: (q, n) => mover.listStaged(q, n),
    publish: (q, i) => mover.publish(q, i),
    discard: (q, d) => mover.discard(q, d),
  };
}

function total(counts: MovedCounts): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

function add(into: MovedCounts, more: MovedCounts): void {
  for (const [state, n] of Object.entries(more)) into[Number(state)] = (into[Number(state)] ?? 0) + n;
}
