import { ErrorCode } from '../errors/error-code';
import { mergeUnserved } from '../health/unserved-queues';
import { PinLaterError, ShardConnectionError } from '../errors/pinlater-error';
import type {
  BackendHealth, BackendKind, ExportPage, ExportRequest, ImportResult, MonitorReport, PinLaterBackend,
} from '../interfaces/pinlater-backend';
import type { JobMover } from '../interfaces/job-mover';
import type { Stats } from '../interfaces/stats';
import type { Logger } from '../logging/logger';
import type { AliasResolver } from '../migration/move-ledger';
import type { JobInfo, PortableJob } from '../types/job';
import type {
  AckInfo, AckRequest, CheckpointItem, CheckpointRequest, CountRequest, DeleteJobsRequest, DequeueRequest, DequeueResult,
  EnqueueRequest, LookupRequest, RetryFailedRequest, ScanRequest,
} from '../types/requests';
import type { ShadowEngine } from '../shadow/shadow-engine';
import { shadowNameRefusal, type ShadowNameCall } from '../shadow/shadow-name-guard';
import { isShadowQueueName } from '../shadow/shadow-queue-name';
import { withTrace, type TraceContext } from '../telemetry/trace-context';
import type { Clock } from '../util/clock';
import { renderUntrusted } from '../util/render-untrusted';
import { lookupThroughAliases } from './alias-lookup';
import { DequeueRotation, dequeueBothSides } from './migrating-dequeue';
import { countBothSides, deleteBothSides, retryBothSides, scanBothSides, type MigratingSides } from './migrating-queue';
import { QueueIndex } from './queue-index';
import type { QueueRoute, RouteDestination, RouteSource, RoutingStatus } from './queue-route';
import { routingStatNames } from './routing-stat-names';

/** The name discovery and health use for Pacer among the legacy cluster names. */
export const PACER_SYSTEM = 'pacer';

export interface RoutingBackendOptions {
  /** Legacy PinLater clusters by name (the names routing records use). */
  readonly legacy: ReadonlyMap<string, PinLaterBackend>;
  readonly pacer?: PinLaterBackend;
  readonly routes: RouteSource;
  /** Where createQueue puts a queue that exists nowhere yet. */
  readonly defaultDestination: RouteDestination;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly stats: Stats;
  /** Discovery: re-read every backend's queue list when older than this (default 30 s). */
  readonly queueIndexMaxAgeMs?: number;
  /** Discovery: on a name not in the index, re-read at most this often (default 1 s). */
  readonly queueIndexMissRefreshMs?: number;
  /**
   * Where moved jobs are now (the migration's move ledger in Pacer's database): lookupJobs follows
   * it for descriptors their issuer no longer holds (alias-lookup.ts). Without it, a moved job's
   * old descriptor is not found. Closed with the backend when it has a `close`.
   */
  readonly aliases?: AliasResolver & { close?(): Promise<void> };
  /**
   * Shadow mode's engine (core/src/shadow/shadow-engine.ts): for a queue routed `shadow`, legacy
   * answers and the engine repeats the traffic on the queue's shadow copy in Pacer, after the
   * answer (used only when `pacer` is given). Closed with the backend.
   */
  readonly shadow?: ShadowEngine;
}

/** The systems serving a queue's calls: one, or both sides of a migration (migrating-queue.ts). */
type Serving = { readonly one: PinLaterBackend } | { readonly both: MigratingSides };

/** `/health` of a routing gateway: every system's own health, and the routing table's state. */
export interface RoutingHealth extends BackendHealth {
  readonly routing: RoutingStatus;
  readonly systems: Readonly<Record<string, BackendHealth>>;
}

/**
 * One gateway in front of every store (issue 10): each queue's calls go to the system its routing
 * record names (legacy cluster or Pacer), and descriptors to the system that issued them.
 *
 * - Queue calls (enqueue, dequeue, counts, scans, retries, deletes, export/import) go to the
 *   queue's current system. A queue without a record goes where discovery finds it (exactly one
 *   system holds it), is refused when two systems hold it, and otherwise goes to the default
 *   destination (which gives its own answer for a missing queue).
 * - A `migrating` queue (docs/migration.md "Modes") is served by both its legacy cluster and Pacer:
 *   enqueues, exports and imports go to the destination; dequeues visit both priority by priority
 *   (migrating-dequeue.ts); counts add, scans merge, retries and deletes visit the side it leaves
 *   then the destination (migrating-queue.ts); createQueue and deleteQueue act on both.
 * - Acks and checkpoints are split by issuer: Pacer descriptors to Pacer, legacy ones to the
 *   queue's legacy cluster (shard names repeat across clusters, so the queue picks the cluster),
 *   whatever the queue's mode now. lookupJobs groups the descriptors the same way, by each
 *   descriptor's queue, and merges the answers keyed by the descriptors as sent; descriptors not
 *   found are followed through the move ledger when `aliases` is given (alias-lookup.ts).
 * - getQueueNames is the union over every system.
 * - While the routing table has never been read, every routed call is refused (NO_HEALTHY_SHARDS):
 *   a gateway never guesses a route. After that, trouble with the table keeps the last one.
 *
 * `kind` is the default destination's: the service layer answers names that could never exist
 * (invalid names) the way the system a new queue would land on does.
 */
export class RoutingBackend implements PinLaterBackend {
  readonly kind: BackendKind;
  readonly numPriorityLevels: number;
  private readonly index: QueueIndex;
  private readonly rotation = new DequeueRotation();
  private closing: Promise<void> | undefined;

  constructor(private readonly options: RoutingBackendOptions) {
    const systems = this.systems();
    if (systems.length === 0) throw new Error('a routing backend needs at least one legacy cluster or Pacer');
    if (options.legacy.has(PACER_SYSTEM)) throw new Error(`'${PACER_SYSTEM}' is reserved: name the legacy cluster otherwise`);
    const levels = new Set(systems.map(([, b]) => b.numPriorityLevels));
    if (levels.size !== 1) throw new Error(`every system must have the same number of priority levels (got ${[...levels].join(', ')})`);
    this.numPriorityLevels = systems[0]?.[1].numPriorityLevels ?? 3;
    this.kind = this.destinationBackend(options.defaultDestination).kind;
    this.index = new QueueIndex(() => this.readQueueNames(), options.clock, {
      maxAgeMs: options.queueIndexMaxAgeMs ?? 30_000,
      missRefreshMs: options.queueIndexMissRefreshMs ?? 1000,
      onRefresh: () => options.stats.incr(routingStatNames.queueIndexRefreshes),
    });
  }

  // ---- queue lifecycle -------------------------------------------------------------------------

  /**
   * A queue with a record (or found in exactly one system) is created there (idempotent, as in
   * PinLater). A new name is recorded first, at the default destination, then created where the
   * record in force says: a record another gateway wrote first wins, so two gateways never create
   * one queue in two systems. Without the routing table the call is refused, never guessed. A
   * migrating queue is created on both sides.
   */
  async createQueue(queue: string): Promise<void> {
    if (isShadowQueueName(queue)) throw shadowNameRefusal(queue, 'create');
    const existing = await this.routeOrDiscover(queue, false);
    const route = existing ?? (await this.recordNewQueue(queue));
    for (const backend of systemsOf(this.servingOf(route, queue))) await backend.createQueue(queue);
    this.index.invalidate();
  }

  /** Deletes the queue on its current system(s), and on the legacy cluster it came from. */
  async deleteQueue(queue: string): Promise<void> {
    const route = await this.route(queue);
    const targets = new Set([...systemsOf(this.servingOf(route, queue)), this.legacyBackend(route, queue)]);
    for (const backend of targets) await backend.deleteQueue(queue);
    this.index.invalidate();
  }

  // ---- calls on the queue's system (both sides of a migrating queue) -----------------------------

  async enqueueJobs(req: EnqueueRequest): Promise<string[]> {
    const { serving, shadow } = await this.routed(req.queue);
    return shadow === undefined ? destinationOf(serving).enqueueJobs(req) : shadow.enqueueJobs(req, destinationOf(serving));
  }

  async dequeueJobs(req: DequeueRequest): Promise<DequeueResult> {
    const { serving, shadow } = await this.routed(req.queue);
    if ('one' in serving) return shadow === undefined ? serving.one.dequeueJobs(req) : shadow.dequeueJobs(req, serving.one);
    return dequeueBothSides(req, {
      sides: serving.both,
      sourceFirst: this.rotation.sourceFirst(req.queue, req.dryRun),
      numPriorityLevels: this.numPriorityLevels,
      onSideFailure: (side, err) => {
        this.options.stats.incr(routingStatNames.migratingDequeueSideFailures);
        this.options.logger.warn({ err, queue: renderUntrusted(req.queue), system: side.kind }, 'dequeue of a migrating queue: one side failed, serving the other');
      },
    });
  }

  async getJobCount(req: CountRequest): Promise<number> {
    const { serving, shadow } = await this.routed(req.queue, 'query');
    if ('one' in serving) return shadow === undefined ? serving.one.getJobCount(req) : shadow.getJobCount(req, serving.one);
    return countBothSides(serving.both, req);
  }

  async scanJobs(req: ScanRequest): Promise<JobInfo[]> {
    const { serving, shadow } = await this.routed(req.queue, 'query');
    if ('one' in serving) return shadow === undefined ? serving.one.scanJobs(req) : shadow.scanJobs(req, serving.one);
    return scanBothSides(serving.both, req);
  }

  async retryFailedJobs(req: RetryFailedRequest): Promise<number> {
    const serving = await this.serving(req.queue, 'query');
    return 'one' in serving ? serving.one.retryFailedJobs(req) : retryBothSides(serving.both, req);
  }

  async deleteJobs(req: DeleteJobsRequest): Promise<number> {
    const serving = await this.serving(req.queue, 'query');
    return 'one' in serving ? serving.one.deleteJobs(req) : deleteBothSides(serving.both, req);
  }

  async exportJobs(req: ExportRequest): Promise<ExportPage> {
    return destinationOf(await this.serving(req.queue)).exportJobs(req);
  }

  async importJobs(queue: string, jobs: PortableJob[]): Promise<ImportResult[]> {
    return destinationOf(await this.serving(queue)).importJobs(queue, jobs);
  }

  /** None: a routing backend fronts several systems; the copier works on each system's own mover. */
  jobMover(): JobMover {
    throw new PinLaterError(ErrorCode.UNKNOWN, 'A routing backend has no job mover: the migration copier moves jobs with each system\'s own backend');
  }

  // ---- calls routed by descriptor ---------------------------------------------------------------

  async ackDequeuedJobs(req: AckRequest): Promise<void> {
    const route = await this.route(req.queue);
    const succeeded = this.byIssuer(route, req.queue, req.succeeded);
    const failed = this.byIssuer(route, req.queue, req.failed);
    const backends = new Set([...succeeded.keys(), ...failed.keys()]);
    const shadow = this.shadowFor(req.queue, route);
    shadow?.ackStarting(req); // the copies are in flight from before legacy applies the ack (shadow-drainer.ts)
    try {
      await Promise.all([...backends].map((b) => b.ackDequeuedJobs(withTrace<AckRequest>({ queue: req.queue, succeeded: succeeded.get(b) ?? [], failed: failed.get(b) ?? [] }, req.trace))));
    } catch (e) {
      shadow?.ackFailed(req);
      throw e;
    }
    shadow?.acked(req);
  }

  async checkpointJobs(req: CheckpointRequest): Promise<void> {
    const route = await this.route(req.queue);
    const groups = this.byIssuer(route, req.queue, req.items);
    await Promise.all([...groups].map(([b, items]) => b.checkpointJobs({ ...req, items })));
  }

  /**
   * Each descriptor to its issuer: Pacer's to Pacer; a legacy one to the legacy cluster of the
   * queue it names (resolved once per distinct queue). Answers merged, keyed as sent. With
   * `aliases`, the descriptors not found are followed to where the migration moved their jobs
   * (alias-lookup.ts), still keyed as sent.
   */
  async lookupJobs(req: LookupRequest): Promise<Map<string, JobInfo>> {
    const shadow = this.options.pacer === undefined ? undefined : this.options.shadow;
    if (shadow === undefined) return this.lookupUnshadowed(req);
    return shadow.lookupJobs(req, () => this.lookupUnshadowed(req), (queue) => this.shadowLegacyOf(queue));
  }

  /** lookupJobs as routed; descriptors naming a shadow queue are not found (shadow-name-guard.ts). */
  private async lookupUnshadowed(request: LookupRequest): Promise<Map<string, JobInfo>> {
    const shadowNamed = request.descriptors.some((d) => isShadowQueueName(descriptorQueueToken(d) ?? ''));
    const req = shadowNamed ? { ...request, descriptors: request.descriptors.filter((d) => !isShadowQueueName(descriptorQueueToken(d) ?? '')) } : request;
    if (req.descriptors.length === 0) return new Map();
    const direct = await this.lookupByIssuer(req.descriptors, req.includeBody, req.trace);
    const aliases = this.options.aliases;
    const missed = aliases === undefined ? [] : req.descriptors.filter((d) => !direct.has(d));
    if (aliases === undefined || missed.length === 0) return direct;
    const moved = await lookupThroughAliases(missed, aliases, (descriptors) => this.lookupByIssuer(descriptors, req.includeBody, req.trace));
    if (moved.size === 0) return direct;
    const merged = new Map(direct);
    for (const [d, info] of moved) merged.set(d, info);
    return merged;
  }

  /**
   * lookupJobs without the move ledger: every descriptor on its issuer. The legacy cluster a queue
   * has LEFT (its route is `pacer`, its record pacer or finalized) may no longer hold the queue at
   * all (`finalize --delete-legacy`): a failure there answers "not found" for those descriptors,
   * so the ledger can still resolve them and the rest of the call is answered; on a queue's
   * current system a failure fails the call, as PinLater's lookup does.
   */
  private async lookupByIssuer(descriptors: readonly string[], includeBody: boolean, trace: TraceContext | undefined): Promise<Map<string, JobInfo>> {
    const legacyQueues = new Set<string>();
    for (const d of descriptors) {
      const queue = this.options.pacer?.ownsDescriptor(d) === true ? undefined : descriptorQueueToken(d);
      if (queue !== undefined) legacyQueues.add(queue);
    }
    const routes = new Map(await Promise.all([...legacyQueues].map(async (q) => [q, await this.route(q)] as const)));
    const groups = new Map<PinLaterBackend, string[]>();
    const leftGroups = new Map<PinLaterBackend, string[]>();
    for (const descriptor of descriptors) {
      const target = this.lookupTarget(descriptor, routes);
      addTo(this.onLeftCluster(descriptor, target, routes) ? leftGroups : groups, target, descriptor);
    }
    const answers = await Promise.all([
      ...[...groups].map(([b, group]) => b.lookupJobs(withTrace<LookupRequest>({ descriptors: group, includeBody }, trace))),
      ...[...leftGroups].map(([b, group]) => b.lookupJobs(withTrace<LookupRequest>({ descriptors: group, includeBody }, trace)).catch((e: unknown) => {
        this.options.stats.incr(routingStatNames.leftClusterLookupFailures);
        this.options.logger.debug({ err: e }, 'lookup on a legacy cluster the queue left failed; answered as not found');
        return new Map<string, JobInfo>();
      })),
    ]);
    const [only] = answers;
    if (answers.length === 1 && only !== undefined) return only; // the usual case: one system answers for all
    const merged = new Map<string, JobInfo>();
    for (const answer of answers) for (const [d, info] of answer) merged.set(d, info);
    return merged;
  }

  /** A legacy descriptor whose queue now lives on Pacer: its cluster is one the queue left. */
  private onLeftCluster(descriptor: string, target: PinLaterBackend, routes: ReadonlyMap<string, QueueRoute>): boolean {
    if (target === this.options.pacer) return false;
    const queue = descriptorQueueToken(descriptor);
    return queue !== undefined && routes.get(queue)?.mode === 'pacer';
  }

  ownsDescriptor(descriptor: string): boolean {
    return this.systems().some(([, b]) => b.ownsDescriptor(descriptor));
  }

  // ---- every system ----------------------------------------------------------------------------

  /** The union over every system, without shadow copies (never listed). */
  async getQueueNames(): Promise<Set<string>> {
    const all = new Set<string>();
    for (const queues of (await this.readQueueNames()).values()) for (const q of queues) all.add(q);
    return all;
  }

  async runMonitorOnce(): Promise<MonitorReport> {
    const reports = await Promise.all(this.systems().map(([, b]) => b.runMonitorOnce()));
    const merged: MonitorReport = { queues: {}, skippedShards: [] };
    for (const r of reports) {
      Object.assign(merged.queues, r.queues);
      merged.skippedShards.push(...r.skippedShards);
    }
    return merged;
  }

  /**
   * Ready (200) when the routing table was read and every system's datastore answers. A system
   * that only has queues it cannot serve (`unserved`: Pacer partitions without a live broker)
   * makes the gateway `degraded`, still 200: taking every routing gateway out of rotation would
   * stop every other queue too, and no other gateway could serve those. `routing.degraded` (the
   * table cannot be confirmed current) is `degraded` as well. docs/health.md.
   */
  async health(): Promise<RoutingHealth> {
    const entries = await Promise.all(this.systems().map(async ([name, b]) => [name, await b.health()] as const));
    const systems = Object.fromEntries(entries);
    const routing = this.options.routes.status();
    const healthy = routing.loaded && entries.every(([, h]) => h.healthy || h.unserved !== undefined);
    const unserved = mergeUnserved(entries.flatMap(([name, h]) => (h.unserved === undefined ? [] : [[name, h.unserved] as const])));
    const status = !healthy ? 'unready' : routing.degraded || unserved !== undefined ? 'degraded' : 'ok';
    return {
      kind: this.kind,
      healthy,
      status,
      shards: entries.flatMap(([name, h]) => h.shards.map((s) => ({ ...s, shard: `${name}/${s.shard}` }))),
      ...(unserved === undefined ? {} : { unserved }),
      routing,
      systems,
    };
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.options.shadow?.close();
      await this.options.routes.close();
      await this.options.aliases?.close?.();
      for (const [, b] of this.systems()) await b.close();
    })();
    return this.closing;
  }

  // ---- routing --------------------------------------------------------------------------------

  private async serving(queue: string, call: ShadowNameCall = 'jobs'): Promise<Serving> {
    return this.servingOf(await this.route(queue, call), queue);
  }

  /** The queue's serving systems and, in shadow mode, the shadow engine: from one route lookup. */
  private async routed(queue: string, call: ShadowNameCall = 'jobs'): Promise<{ serving: Serving; shadow: ShadowEngine | undefined }> {
    const route = await this.route(queue, call);
    return { serving: this.servingOf(route, queue), shadow: this.shadowFor(queue, route) };
  }

  /**
   * The route in force: the record, else discovery, else the default destination. A shadow copy's
   * name is refused, as a queue that does not exist (shadow-name-guard.ts).
   */
  private async route(queue: string, call: ShadowNameCall = 'jobs'): Promise<QueueRoute> {
    if (isShadowQueueName(queue)) throw shadowNameRefusal(queue, call);
    return (await this.routeOrDiscover(queue, true)) ?? destinationRoute(this.options.defaultDestination);
  }

  /**
   * The shadow engine, when the queue's `route` (in force for this call) is `shadow` and Pacer
   * and an engine are configured; otherwise the engine learns that the queue's shadow session (if
   * any) ended.
   */
  private shadowFor(queue: string, route: QueueRoute): ShadowEngine | undefined {
    const engine = this.options.shadow;
    if (engine === undefined || this.options.pacer === undefined) return undefined;
    if (route.mode === 'shadow') return engine;
    engine.sessionEnded(queue);
    return undefined;
  }

  /** The legacy cluster answering for `queue` when it is routed `shadow` now (ShadowLegacyOf). */
  private shadowLegacyOf(queue: string): PinLaterBackend | undefined {
    let route: QueueRoute | undefined;
    try {
      route = this.options.routes.routeOf(queue);
    } catch {
      return undefined; // no usable record: the call itself was answered (or refused) by its route
    }
    return route?.mode === 'shadow' ? this.options.legacy.get(route.legacyCluster) : undefined;
  }

  private async routeOrDiscover(queue: string, countDiscovery: boolean): Promise<QueueRoute | undefined> {
    const recorded = this.options.routes.routeOf(queue);
    if (recorded !== undefined) return recorded;
    const holders = await this.index.holdersOf(queue);
    if (holders.length > 1) {
      this.options.stats.incr(routingStatNames.ambiguousQueues);
      throw new PinLaterError(
        ErrorCode.UNKNOWN,
        `Queue ${renderUntrusted(queue)} exists in more than one cluster (${holders.join(', ')}) and has no routing record: refused until an operator routes it`,
      );
    }
    const holder = holders[0];
    if (holder === undefined) return undefined;
    if (countDiscovery) this.options.stats.incr(routingStatNames.discoveredRoutes);
    return holder === PACER_SYSTEM ? { mode: 'pacer', legacyCluster: null } : { mode: 'legacy', cluster: holder };
  }

  private async recordNewQueue(queue: string): Promise<QueueRoute> {
    try {
      const route = await this.options.routes.recordCreated(queue, destinationRoute(this.options.defaultDestination));
      this.options.stats.incr(routingStatNames.recordsCreated);
      return route;
    } catch (e) {
      if (e instanceof PinLaterError) throw e;
      this.options.logger.warn({ err: e, queue }, 'could not record the route of a new queue; createQueue refused');
      throw new ShardConnectionError('Routing table unavailable: cannot record the new queue', { cause: e });
    }
  }

  private servingOf(route: QueueRoute, queue: string): Serving {
    switch (route.mode) {
      case 'legacy':
        return { one: this.clusterBackend(route.cluster, queue) };
      case 'pacer':
        return { one: this.pacerBackend(queue) };
      case 'shadow':
        return { one: this.clusterBackend(route.legacyCluster, queue) };
      case 'migrating': {
        const [legacy, pacer] = [this.clusterBackend(route.legacyCluster, queue), this.pacerBackend(queue)];
        return { both: route.direction === 'to-pacer' ? { source: legacy, destination: pacer } : { source: pacer, destination: legacy } };
      }
    }
  }

  /** Where the queue's legacy descriptors go: its legacy cluster, or (none) its current system. */
  private legacyBackend(route: QueueRoute, queue: string): PinLaterBackend {
    if (route.mode === 'legacy') return this.clusterBackend(route.cluster, queue);
    return route.legacyCluster === null ? this.pacerBackend(queue) : this.clusterBackend(route.legacyCluster, queue);
  }

  private byIssuer<T extends AckInfo | CheckpointItem>(route: QueueRoute, queue: string, items: readonly T[]): Map<PinLaterBackend, T[]> {
    const groups = new Map<PinLaterBackend, T[]>();
    for (const item of items) {
      addTo(groups, this.options.pacer?.ownsDescriptor(item.descriptor) === true ? this.options.pacer : this.legacyBackend(route, queue), item);
    }
    return groups;
  }

  /** Pacer's descriptors to Pacer; a legacy one to the legacy cluster of the queue it names. */
  private lookupTarget(descriptor: string, routes: ReadonlyMap<string, QueueRoute>): PinLaterBackend {
    if (this.options.pacer?.ownsDescriptor(descriptor) === true) return this.options.pacer;
    const queue = descriptorQueueToken(descriptor);
    const route = queue === undefined ? undefined : routes.get(queue);
    // No queue token: unparseable, answered the way the default destination answers it.
    if (queue === undefined || route === undefined) return this.destinationBackend(this.options.defaultDestination);
    return this.legacyBackend(route, queue);
  }

  private clusterBackend(cluster: string, queue: string): PinLaterBackend {
    const backend = this.options.legacy.get(cluster);
    if (backend === undefined) {
      throw new PinLaterError(ErrorCode.UNKNOWN, `Queue ${renderUntrusted(queue)} is routed to legacy cluster '${renderUntrusted(cluster)}', which this gateway does not know`);
    }
    return backend;
  }

  private pacerBackend(queue: string): PinLaterBackend {
    if (this.options.pacer === undefined) throw new PinLaterError(ErrorCode.UNKNOWN, `Queue ${renderUntrusted(queue)} is routed to Pacer, which this gateway does not serve`);
    return this.options.pacer;
  }

  private destinationBackend(destination: RouteDestination): PinLaterBackend {
    return destination.mode === 'pacer' ? this.pacerBackend('(default destination)') : this.clusterBackend(destination.cluster, '(default destination)');
  }

  private systems(): Array<[string, PinLaterBackend]> {
    const out: Array<[string, PinLaterBackend]> = [...this.options.legacy];
    if (this.options.pacer !== undefined) out.push([PACER_SYSTEM, this.options.pacer]);
    return out;
  }

  /** Every system's queues; shadow copies are never listed (nor discovered). */
  private async readQueueNames(): Promise<Map<string, Set<string>>> {
    const entries = await Promise.all(this.systems().map(async ([name, b]) => [name, withoutShadowCopies(await b.getQueueNames())] as const));
    return new Map(entries);
  }
}

/** The names without shadow copies (a new set: a backend's own set is never changed). */
function withoutShadowCopies(queues: ReadonlySet<string>): Set<string> {
  return new Set([...queues].filter((q) => !isShadowQueueName(q)));
}

/** Where a queue's new jobs go: its system, or the destination of its migration. */
function destinationOf(serving: Serving): PinLaterBackend {
  return 'one' in serving ? serving.one : serving.both.destination;
}

function systemsOf(serving: Serving): PinLaterBackend[] {
  return 'one' in serving ? [serving.one] : [serving.both.source, serving.both.destination];
}

function destinationRoute(destination: RouteDestination): QueueRoute {
  return destination.mode === 'pacer' ? { mode: 'pacer', legacyCluster: null } : { mode: 'legacy', cluster: destination.cluster };
}

/** The queue token of a descriptor (everything before the first `:`), or undefined without one. */
function descriptorQueueToken(descriptor: string): string | undefined {
  const colon = descriptor.indexOf(':');
  return colon < 0 ? undefined : descriptor.slice(0, colon);
}

function addTo<K, V>(groups: Map<K, V[]>, key: K, value: V): void {
  const list = groups.get(key);
  if (list === undefined) groups.set(key, [value]);
  else list.push(value);
}
