import type { Pool } from 'mysql2/promise';
import type { JobMover, MovableState, PublishItem, StagedJob, StagedRef } from '../../../core/src/interfaces/job-mover';
import { MOVABLE_STATES } from '../../../core/src/interfaces/job-mover';
import type { PortableJob } from '../../../core/src/types/job';
import type { JobState } from '../../../core/src/types/job-state';
import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import { parsePacerDescriptor, type PacerJobRef } from '../descriptors/pacer-descriptor';
import type { JobRow, JobWriter } from '../datastore/job-writer';
import { partitionsOf } from '../datastore/job-queries';
import {
  deleteInBand, listBand, pendingRows, publishStaged, readRows, restoreTaken, rowToPortable, takeJobs,
} from '../datastore/move-rows';
import { STAGED_OFFSET, STAGED_TAG_PREFIX, TAKEN_OFFSET } from '../datastore/move-states';
import type { QueueRegistry, QueueSettings } from '../datastore/queue-registry';
import { CLAIM_DESCRIPTOR_MAX_CHARS } from '../datastore/tables';
import type { BrokerNotifier } from './broker-notifier';

export interface PacerJobMoverDeps {
  readonly pool: Pool;
  readonly registry: QueueRegistry;
  readonly writer: JobWriter;
  readonly notifier: BrokerNotifier;
  readonly numPriorityLevels: number;
  /** Picks a staged job's partition, as enqueue and import do. */
  readonly random: () => number;
}

/** How often a take whose candidates were all claimed meanwhile looks again before answering "none". */
const TAKE_ROUNDS = 3;

/**
 * Pacer's `JobMover` (core/src/interfaces/job-mover.ts, docs/migration.md): moves inside the `jobs`
 * table, each step one statement or one short transaction. Taken jobs have state 10 + state,
 * staged jobs 20 + state with `claim_descriptor = 'mv:<source descriptor>'` (move-states.ts); no
 * broker claim, monitor, count, scan, retry, delete or lookup sees either. A publish or restore
 * that makes jobs PENDING notifies the brokers owning their partitions, as enqueue does.
 *
 * Descriptors that are not this queue's Pacer descriptors are no-ops (not counted); malformed
 * ones fail the call (UNKNOWN, PinLater's parser).
 */
export class PacerJobMover implements JobMover {
  constructor(private readonly deps: PacerJobMoverDeps) {}

  async take(queue: string, state: MovableState, priority: number, limit: number): Promise<PortableJob[]> {
    if (!MOVABLE_STATES.includes(state)) throw new PinLaterError(ErrorCode.UNKNOWN, `State ${String(state)} is not movable`);
    const settings = await this.deps.registry.require(queue);
    this.checkPriority(priority);
    if (limit <= 0) return [];
    for (let round = 1; ; round += 1) {
      const rows = await takeJobs(this.deps.pool, settings.name, partitionsOf(settings), state, priority, limit);
      // Every candidate was claimed, acked or deleted between the read and the lock: look again.
      if (rows.length > 0 || round >= TAKE_ROUNDS) return rows.map((r) => rowToPortable(settings.name, r, 0));
    }
  }

  async listTaken(queue: string, limit: number): Promise<PortableJob[]> {
    const settings = await this.deps.registry.require(queue);
    const rows = await listBand(this.deps.pool, settings.name, partitionsOf(settings), TAKEN_OFFSET, limit);
    return rows.map((r) => rowToPortable(settings.name, r, TAKEN_OFFSET));
  }

  async finish(queue: string, descriptors: readonly string[]): Promise<number> {
    const refs = this.refsOf(await this.deps.registry.require(queue), descriptors);
    return refs.length === 0 ? 0 : deleteInBand(this.deps.pool, refs, TAKEN_OFFSET);
  }

  async restore(queue: string, descriptors: readonly string[]): Promise<number> {
    const settings = await this.deps.registry.require(queue);
    const refs = this.refsOf(settings, descriptors);
    if (refs.length === 0) return 0;
    const n = await restoreTaken(this.deps.pool, refs);
    if (n > 0) await this.notifyPending(settings.name, refs);
    return n;
  }

  async stage(queue: string, jobs: readonly PortableJob[]): Promise<StagedJob[]> {
    if (jobs.length === 0) return [];
    const settings = await this.deps.registry.require(queue);
    const rows = jobs.map((j) => this.stagedRow(settings, j));
    const ids = await this.deps.writer.insert(rows);
    const stored = await readRows(this.deps.pool, ids);
    return jobs.map((job, i) => {
      const id = ids[i] as number;
      const row = stored.get(id);
      if (row === undefined) throw new PinLaterError(ErrorCode.UNKNOWN, `Staged job ${id} of queue ${settings.name} vanished before it was read back`);
      // Its claim descriptor is the move's tag until published (the source's claim is applied then).
      const { claimDescriptor: _tag, ...asStored } = rowToPortable(settings.name, row, STAGED_OFFSET);
      return {
        sourceDescriptor: job.sourceDescriptor,
        descriptor: asStored.sourceDescriptor,
        stored: { ...asStored, sourceDescriptor: job.sourceDescriptor },
      };
    });
  }

  async listStaged(queue: string, limit: number): Promise<StagedRef[]> {
    const settings = await this.deps.registry.require(queue);
    const rows = await listBand(this.deps.pool, settings.name, partitionsOf(settings), STAGED_OFFSET, limit);
    return rows.map((r) => ({
      sourceDescriptor: String(r.claim_descriptor ?? '').slice(STAGED_TAG_PREFIX.length),
      descriptor: rowToPortable(settings.name, r, STAGED_OFFSET).sourceDescriptor,
    }));
  }

  async publish(queue: string, items: readonly PublishItem[]): Promise<number> {
    const settings = await this.deps.registry.require(queue);
    const byId = new Map<number, { ref: PacerJobRef; claimDescriptor: string | null }>();
    for (const item of items) {
      const ref = this.refOf(settings, item.descriptor);
      if (ref !== undefined && !byId.has(ref.id)) byId.set(ref.id, { ref, claimDescriptor: item.claimDescriptor ?? null });
    }
    if (byId.size === 0) return 0;
    const n = await publishStaged(this.deps.pool, [...byId.values()], STAGED_OFFSET);
    if (n > 0) await this.notifyPending(settings.name, [...byId.values()].map((i) => i.ref));
    return n;
  }

  async discard(queue: string, descriptors: readonly string[]): Promise<number> {
    const refs = this.refsOf(await this.deps.registry.require(queue), descriptors);
    return refs.length === 0 ? 0 : deleteInBand(this.deps.pool, refs, STAGED_OFFSET);
  }

  /** The row a stage inserts: the job as it was, invisible (20 + state), tagged with its source. */
  private stagedRow(settings: QueueSettings, job: PortableJob): JobRow {
    if (!MOVABLE_STATES.includes(job.state as MovableState)) {
      throw new PinLaterError(ErrorCode.UNKNOWN, `Cannot stage ${job.sourceDescriptor}: state ${job.state} is not movable`);
    }
    this.checkPriority(job.priority);
    const tag = `${STAGED_TAG_PREFIX}${job.sourceDescriptor}`;
    if (tag.length > CLAIM_DESCRIPTOR_MAX_CHARS) {
      throw new PinLaterError(ErrorCode.UNKNOWN, `Cannot stage ${job.sourceDescriptor}: its tag exceeds ${CLAIM_DESCRIPTOR_MAX_CHARS} characters`);
    }
    return {
      queue: settings.name, partition: this.pickPartition(settings), priority: job.priority,
      // A state value outside JobState on purpose: 20 + state, what no serving statement selects.
      state: (STAGED_OFFSET + job.state) as JobState,
      claimDescriptor: tag, attemptsAllowed: job.attemptsAllowed, attemptsRemaining: job.attemptsRemaining,
      customStatus: job.customStatus, createdAtMs: job.createdAtMs, updatedAtMs: job.updatedAtMs, runAfterMs: job.runAfterMs, body: job.body,
    };
  }

  /** Tells the owning brokers about those of `refs` that are PENDING now. */
  private async notifyPending(queue: string, refs: readonly PacerJobRef[]): Promise<void> {
    const pending = await pendingRows(this.deps.pool, refs.map((r) => r.id));
    await this.deps.notifier.notifyRows(queue, pending);
  }

  private refsOf(settings: QueueSettings, descriptors: readonly string[]): PacerJobRef[] {
    const byId = new Map<number, PacerJobRef>();
    for (const d of descriptors) {
      const ref = this.refOf(settings, d);
      if (ref !== undefined) byId.set(ref.id, ref);
    }
    return [...byId.values()];
  }

  /** This queue's Pacer job named by `descriptor`, or undefined (another system's, another queue's). */
  private refOf(settings: QueueSettings, descriptor: string): PacerJobRef | undefined {
    const ref = parsePacerDescriptor(descriptor);
    if (ref === undefined || ref.queue !== settings.name || ref.partition >= settings.numPartitions) return undefined;
    return ref;
  }

  private pickPartition(settings: QueueSettings): number {
    return settings.numPartitions === 1 ? 0 : Math.floor(this.deps.random() * settings.numPartitions);
  }

  private checkPriority(priority: number): void {
    if (!Number.isInteger(priority) || priority < 1 || priority > this.deps.numPriorityLevels) {
      throw new PinLaterError(ErrorCode.PRIORITY_NOT_SUPPORTED, String(priority));
    }
  }
}
