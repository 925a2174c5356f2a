import { formatDescriptor, parseDescriptor } from '../descriptors/job-descriptor';
import { ErrorCode } from '../errors/error-code';
import { PinLaterError } from '../errors/pinlater-error';
import { MOVABLE_STATES, type JobMover, type MovableState, type PublishItem, type StagedJob, type StagedRef } from '../interfaces/job-mover';
import type { ShardPortableJob, ShardStore } from '../interfaces/shard-store';
import type { PortableJob } from '../types/job';
import { shuffled } from '../util/shuffle';

export interface ShardedJobMoverDeps {
  readonly stores: () => readonly ShardStore[];
  /** The shard a staged batch goes to (the enqueue choice: live, not dequeue-only). */
  readonly pickStageShard: () => ShardStore;
  /** Throws the backend's own error for an unknown shard name. */
  readonly storeFor: (shard: string) => ShardStore;
  readonly numPriorityLevels: number;
  readonly random: () => number;
}

/**
 * A legacy PinLater cluster's `JobMover` (core/src/interfaces/job-mover.ts): each operation on
 * the shards it concerns, through the per-shard primitives of `ShardStore` (one atomic script or
 * statement each, legacy-adapter/src/redis and src/mysql). Takes visit every shard (dequeue-only
 * and unhealthy ones too: an unreachable shard fails the call, so a copier never concludes a
 * cluster is empty while a shard cannot be read); stages go to one enqueueable shard per batch.
 */
export class ShardedJobMover implements JobMover {
  constructor(private readonly deps: ShardedJobMoverDeps) {}

  async take(queue: string, state: MovableState, priority: number, limit: number): Promise<PortableJob[]> {
    // IN_PROGRESS belongs to the worker holding it: taking it would delete a claimed job on finish.
    if (!MOVABLE_STATES.includes(state)) throw new PinLaterError(ErrorCode.UNKNOWN, `state ${String(state)} cannot be moved (only PENDING, FAILED, SUCCEEDED)`);
    const out: PortableJob[] = [];
    for (const store of shuffled(this.deps.stores(), this.deps.random)) {
      const remaining = limit - out.length;
      if (remaining <= 0) break;
      const taken = await store.takeForMove(queue, priority, state, remaining);
      out.push(...taken.map((j) => portable(queue, store.name, priority, j)));
    }
    return out;
  }

  async listTaken(queue: string, limit: number): Promise<PortableJob[]> {
    const out: PortableJob[] = [];
    for (const store of this.deps.stores()) {
      for (let priority = 1; priority <= this.deps.numPriorityLevels; priority++) {
        const remaining = limit - out.length;
        if (remaining <= 0) return out;
        const taken = await store.listTaken(queue, priority, remaining);
        out.push(...taken.map((j) => portable(queue, store.name, priority, j)));
      }
    }
    return out;
  }

  finish(queue: string, descriptors: readonly string[]): Promise<number> {
    return this.perShard(descriptors.map((d) => ({ descriptor: d })), (store, priority, items) =>
      store.finishMove(queue, priority, items.map((i) => i.localId)));
  }

  restore(queue: string, descriptors: readonly string[]): Promise<number> {
    return this.perShard(descriptors.map((d) => ({ descriptor: d })), (store, priority, items) =>
      store.restoreMove(queue, priority, items.map((i) => i.localId)));
  }

  async stage(queue: string, jobs: readonly PortableJob[]): Promise<StagedJob[]> {
    const unmovable = jobs.find((j) => !(MOVABLE_STATES as readonly number[]).includes(j.state));
    if (unmovable !== undefined) throw new PinLaterError(ErrorCode.UNKNOWN, `job ${unmovable.sourceDescriptor} is in state ${unmovable.state}, which cannot be moved`);
    const store = this.deps.pickStageShard();
    const byPriority = new Map<number, PortableJob[]>();
    for (const job of jobs) {
      const group = byPriority.get(job.priority);
      if (group === undefined) byPriority.set(job.priority, [job]);
      else group.push(job);
    }
    const staged = new Map<PortableJob, StagedJob>();
    for (const [priority, group] of byPriority) {
      const stored = await store.stageMoved(queue, priority, group);
      group.forEach((job, i) => {
        const s = stored[i];
        if (s === undefined) throw new Error(`shard ${store.name} staged ${stored.length} of ${group.length} jobs`);
        const descriptor = formatDescriptor({ queue, shard: store.name, priority, localId: s.localId });
        staged.set(job, { sourceDescriptor: job.sourceDescriptor, descriptor, stored: { ...portable(queue, store.name, priority, s), sourceDescriptor: job.sourceDescriptor } });
      });
    }
    return jobs.map((j) => staged.get(j) as StagedJob);
  }

  async listStaged(queue: string, limit: number): Promise<StagedRef[]> {
    const out: StagedRef[] = [];
    for (const store of this.deps.stores()) {
      for (let priority = 1; priority <= this.deps.numPriorityLevels; priority++) {
        const remaining = limit - out.length;
        if (remaining <= 0) return out;
        const staged = await store.listStaged(queue, priority, remaining);
        out.push(...staged.map((s) => ({ sourceDescriptor: s.sourceDescriptor, descriptor: formatDescriptor({ queue, shard: store.name, priority, localId: s.localId }) })));
      }
    }
    return out;
  }

  publish(queue: string, items: readonly PublishItem[]): Promise<number> {
    return this.perShard(items, (store, priority, group) =>
      store.publishStaged(queue, priority, group.map((i) => ({ localId: i.localId, ...(i.claimDescriptor === undefined ? {} : { claimDescriptor: i.claimDescriptor }) }))));
  }

  discard(queue: string, descriptors: readonly string[]): Promise<number> {
    return this.perShard(descriptors.map((d) => ({ descriptor: d })), (store, priority, items) =>
      store.discardStaged(queue, priority, items.map((i) => i.localId)));
  }

  /** Groups items by (shard, priority) of their descriptors and runs `fn` per group; sums the counts. */
  private async perShard<T extends { descriptor: string }>(
    items: readonly T[],
    fn: (store: ShardStore, priority: number, group: Array<T & { localId: number }>) => Promise<number>,
  ): Promise<number> {
    const groups = new Map<string, { store: ShardStore; priority: number; items: Array<T & { localId: number }> }>();
    for (const item of items) {
      const d = parseDescriptor(item.descriptor);
      const key = `${d.shard}\u0000${d.priority}`;
      let group = groups.get(key);
      if (group === undefined) groups.set(key, (group = { store: this.deps.storeFor(d.shard), priority: d.priority, items: [] }));
      group.items.push({ ...item, localId: d.localId });
    }
    let total = 0;
    for (const g of groups.values()) total += await fn(g.store, g.priority, g.items);
    return total;
  }
}

function portable(queue: string, shard: string, priority: number, job: ShardPortableJob): PortableJob {
  const { localId, ...rest } = job;
  return { ...rest, queue, priority, sourceDescriptor: formatDescriptor({ queue, shard, priority, localId }) };
}
