import type { Logger } from '../../../core/src/logging/logger';
import type { TraceContext } from '../../../core/src/telemetry/trace-context';
import type { Stats } from '../../../core/src/interfaces/stats';
import type { Clock } from '../../../core/src/util/clock';
import type { DequeuedJob } from '../../../core/src/types/job';
import { NoHealthyShardsError, ShardConnectionError } from '../../../core/src/errors/pinlater-error';
import { endpointKey, type BrokerEndpoint, type PartitionDirectory } from '../interfaces/partition-directory';
import { BrokerUnreachableError, type BrokerClient } from '../interfaces/broker-client';
import type { DequeueRoutingHealth } from './dequeue-routing-health';
import { pacerStatNames } from './pacer-stat-names';

interface BrokerGroup {
  endpoint: BrokerEndpoint;
  partitions: number[];
  /** Known-empty priorities for the rest of this call (from `readyLeft`). */
  emptyPriorities: Set<number>;
  failed: boolean;
  /** A dry run asked this broker which of `partitions` it serves (once per call). */
  probed: boolean;
}

/** A dry run's read of one partition and priority: its first `limit` ready jobs, nothing claimed. */
export type PeekReader = (partition: number, priority: number, limit: number) => Promise<DequeuedJob[]>;

export interface RouteArgs {
  queue: string;
  /** Partitions in visiting order (already shuffled and cut to coverage). */
  partitions: number[];
  /** Priorities to serve, in order (every priority of the backend, or the request's `onlyPriority`). */
  priorities: number[];
  limit: number;
  claimDescriptor: string;
  /** The dequeue's trace: each broker call is a child of it (core/src/telemetry/trace-context.ts). */
  trace?: TraceContext;
  /**
   * A dry run (PinLater: the same iteration, a read-only query, nothing claimed): each owner is
   * asked with a limit-0 dequeue (which claims nothing) which partitions it serves, and only the
   * partitions a live owner serves are read with `peek`. So a dry run answers what a dequeue
   * would, and fails as it would when no broker serves the queue.
   */
  peek?: PeekReader;
}

/** Why a visited partition was not served in this call: no owner known, or its broker's answer. */
type BrokerMiss = { readonly cause: 'not-owned' | 'unreachable'; readonly endpoint: BrokerEndpoint };
type Miss = { readonly cause: 'no-owner' } | BrokerMiss;

function isUnreachable(m: Miss): m is BrokerMiss {
  return m.cause === 'unreachable';
}

export interface DequeueRouterOptions {
  readonly clock: Clock;
  /** Whether these partitions have ready jobs (MySQL); absent = assume they do. */
  readonly readyProbe?: (queue: string, partitions: number[], priorities: number[]) => Promise<boolean>;
  readonly health?: DequeueRoutingHealth;
  /** Longest a dequeue waits for a fresh routing view. Default 500 ms. */
  readonly refreshTimeoutMs?: number;
  /** Each broker reply's jobs and the leases claiming them, undefined from a per-job broker (served-claims.ts). */
  readonly onServed?: (jobs: readonly DequeuedJob[], leaseIds: readonly bigint[] | undefined) => void;
}

/** One dequeue call: what it got, and which visited partitions it could not serve, and why. */
class Attempt {
  readonly jobs: DequeuedJob[] = [];
  readonly misses = new Map<number, Miss>();

  constructor(readonly args: RouteArgs) {}

  need(): number {
    return this.args.limit - this.jobs.length;
  }

  /** Partitions worth a second try after a fresh view: no owner known, or refused by their broker. */
  retriable(): number[] {
    return [...this.misses].filter(([, m]) => m.cause !== 'unreachable').map(([p]) => p);
  }
}

/**
 * Dequeue across the brokers that own a queue's partitions, PinLater's loop shape (FACTS §3.6):
 * priority-major over the visited partitions. When one broker serves every visited partition it
 * gets a single call with all priorities (it applies the same loop); otherwise the router asks
 * broker by broker, one priority at a time.
 *
 * A routing view can be stale (a ZooKeeper outage, a hand-off in progress): a partition may have
 * no known owner, or its broker may answer `notOwned`. Then the router asks the directory for a
 * fresh view (bounded) and retries those partitions whose owner changed. Whatever still cannot be
 * served is skipped (its jobs stay in MySQL) when other partitions gave jobs; but a call that got
 * NOTHING while jobs are ready in partitions it could not serve is refused, never answered
 * "empty": NO_HEALTHY_SHARDS ("Unable to find healthy shard", PinLater's answer when no shard can
 * serve), or SHARD_CONNECTION_FAILED when the only obstacle was unreachable brokers. No broker
 * reachable at all stays SHARD_CONNECTION_FAILED, as before. A queue that truly has nothing ready
 * gets PinLater's empty answer. A dry run (`peek`) follows the same path: it reads only what the
 * live owners serve, and is refused the same way.
 */
export class DequeueRouter {
  constructor(
    private readonly directory: PartitionDirectory,
    private readonly brokers: BrokerClient,
    private readonly logger: Logger,
    private readonly stats: Stats,
    private readonly options: DequeueRouterOptions,
  ) {}

  async dequeue(args: RouteArgs): Promise<DequeuedJob[]> {
    if (args.partitions.length === 0) return [];
    const startedMs = this.options.clock.nowMs();
    const attempt = new Attempt(args);
    await this.serve(attempt, args.partitions);
    const retry = attempt.retriable();
    if (retry.length > 0 && attempt.need() > 0 && (await this.refreshView(startedMs))) {
      const moved = retry.filter((p) => this.ownerChanged(args.queue, p, attempt.misses.get(p)));
      for (const p of moved) attempt.misses.delete(p);
      if (moved.length > 0) {
        this.stats.incr(pacerStatNames.rerouted, moved.length);
        await this.serve(attempt, moved);
      }
    }
    return this.conclude(attempt);
  }

  /** Asks the owners of `partitions`, priority-major; records every partition it could not serve. */
  private async serve(attempt: Attempt, partitions: number[]): Promise<void> {
    const { args } = attempt;
    const groups = this.groupByBroker(attempt, partitions);
    const all = args.priorities;
    const passes = groups.length === 1 ? [all] : all.map((p) => [p]);
    for (const priorities of passes) {
      for (const g of groups) {
        if (attempt.need() <= 0) return;
        if (g.failed || g.partitions.length === 0 || priorities.every((p) => g.emptyPriorities.has(p))) continue;
        attempt.jobs.push(...(await this.ask(attempt, g, priorities)));
      }
    }
  }

  private async ask(attempt: Attempt, g: BrokerGroup, priorities: number[]): Promise<DequeuedJob[]> {
    const { peek } = attempt.args;
    try {
      if (peek === undefined) return await this.call(attempt, g, priorities, attempt.need());
      if (!g.probed) await this.call(attempt, g, priorities, 0);
      g.probed = true;
      return await this.peek(attempt, g, priorities, peek);
    } catch (e) {
      if (!(e instanceof BrokerUnreachableError)) throw e;
      g.failed = true;
      for (const p of g.partitions) attempt.misses.set(p, { cause: 'unreachable', endpoint: g.endpoint });
      this.stats.incr(pacerStatNames.brokerUnreachable);
      this.logger.warn({ err: e, queue: attempt.args.queue, broker: endpointKey(g.endpoint) }, 'broker unreachable; serving from other partitions');
      return [];
    }
  }

  /** One broker dequeue (`limit` 0: claims nothing, only says which partitions it does not own). */
  private async call(attempt: Attempt, g: BrokerGroup, priorities: number[], limit: number): Promise<DequeuedJob[]> {
    const { args } = attempt;
    const reply = await this.brokers.dequeue(g.endpoint, {
      queue: args.queue, partitions: g.partitions, priorities, limit, claimDescriptor: args.claimDescriptor,
      ...(args.trace === undefined ? {} : { trace: args.trace }),
    });
    if (limit > 0) {
      priorities.forEach((p, i) => {
        if ((reply.readyLeft[i] ?? 0) === 0) g.emptyPriorities.add(p);
      });
    }
    if (reply.jobs.length > 0) this.options.onServed?.(reply.jobs, reply.leaseIds);
    if (reply.notOwned.length > 0) {
      this.stats.incr(pacerStatNames.partitionNotOwned, reply.notOwned.length);
      for (const p of reply.notOwned) attempt.misses.set(p, { cause: 'not-owned', endpoint: g.endpoint });
      g.partitions = g.partitions.filter((p) => !reply.notOwned.includes(p));
    }
    return reply.jobs;
  }

  /** A dry run's read of the partitions `g`'s broker serves, priority-major. */
  private async peek(attempt: Attempt, g: BrokerGroup, priorities: number[], read: PeekReader): Promise<DequeuedJob[]> {
    const out: DequeuedJob[] = [];
    for (const priority of priorities) {
      for (const partition of g.partitions) {
        const need = attempt.need() - out.length;
        if (need <= 0) return out;
        out.push(...(await read(partition, priority, need)));
      }
    }
    return out;
  }

  /** Waits (bounded) for a view read after this call started; false when there is none to have. */
  private async refreshView(sinceMs: number): Promise<boolean> {
    if (!this.directory.refresh) return false;
    this.stats.incr(pacerStatNames.viewRefresh);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.options.refreshTimeoutMs ?? 500);
    });
    try {
      return await Promise.race([this.directory.refresh(sinceMs).then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private ownerChanged(queue: string, partition: number, miss: Miss | undefined): boolean {
    const now = this.directory.brokerFor(queue, partition);
    if (now === undefined || miss === undefined) return false;
    return miss.cause === 'no-owner' || endpointKey(now) !== endpointKey(miss.endpoint);
  }

  private async conclude(attempt: Attempt): Promise<DequeuedJob[]> {
    const { args, jobs, misses } = attempt;
    if (misses.size === 0) return jobs;
    const missed = [...misses.keys()];
    this.stats.incr(pacerStatNames.unservable, missed.length);
    if (jobs.length > 0) return jobs;
    const causes = [...misses.values()];
    const unreachable = causes.filter(isUnreachable);
    const nobodyAnswered = unreachable.length === args.partitions.length;
    if (!nobodyAnswered && !(await this.ready(args.queue, missed, args.priorities))) return []; // truly nothing ready there
    this.stats.incr(pacerStatNames.noHealthyShards);
    this.options.health?.refused(args.queue, missed);
    if (unreachable.length === causes.length) {
      const endpoints = [...new Set(unreachable.map((m) => endpointKey(m.endpoint)))];
      throw new ShardConnectionError(`Pacer broker(s) unreachable for queue ${args.queue}: ${endpoints.join(', ')}`);
    }
    throw new NoHealthyShardsError();
  }

  /** Asks MySQL; a failing probe counts as "ready" (never answer empty when unsure). */
  private async ready(queue: string, partitions: number[], priorities: number[]): Promise<boolean> {
    if (!this.options.readyProbe) return true;
    try {
      return await this.options.readyProbe(queue, partitions, priorities);
    } catch (e) {
      this.logger.warn({ err: e, queue }, 'ready-job probe failed; refusing the dequeue rather than answering empty');
      return true;
    }
  }

  private groupByBroker(attempt: Attempt, partitions: number[]): BrokerGroup[] {
    const groups = new Map<string, BrokerGroup>();
    for (const partition of partitions) {
      const endpoint = this.directory.brokerFor(attempt.args.queue, partition);
      if (endpoint === undefined) {
        attempt.misses.set(partition, { cause: 'no-owner' });
        continue;
      }
      const key = endpointKey(endpoint);
      const g = groups.get(key) ?? { endpoint, partitions: [], emptyPriorities: new Set<number>(), failed: false, probed: false };
      g.partitions.push(partition);
      groups.set(key, g);
    }
    return [...groups.values()];
  }
}
