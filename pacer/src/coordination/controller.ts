/**
 * A Helix-style controller process member: joins the leader election and, while leader, runs the
 * pipeline (`controller-pipeline.ts`) whenever a watched node changes, at delayed-rebalance
 * deadlines, and periodically as a safety net. Runs are serialized and coalesced.
 *
 * Its ZooKeeper session comes from the process's `ZkSessionManager`: SUSPENDED = stop leading at
 * once (nothing can be written, the session may be gone); RECONNECTED = lead again if the LEADER
 * node is still ours, then a full pipeline run; LOST = forget the election; CONNECTED (a new
 * session) = set the cluster up and compete again. Every pipeline run reads the whole cluster
 * afresh, so a new leader reconciles everything that changed while nobody led.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../../core/src/logging/logger';
import type { Clock } from '../../../core/src/util/clock';
import { coerceError } from '../../../core/src/errors/coerce-error';
import { ClusterDataCache } from './cluster-data-cache';
import { newPipelineMemory, runPipeline, type PipelineMemory, type PipelinePhases, type PipelineResult } from './controller-pipeline';
import { ControllerChangeLog } from './controller-change-log';
import { HelixPaths } from './helix-paths';
import { LeaderElection } from './leader-election';
import { setupCluster } from './cluster-setup';
import type { ZkClient } from '../../../core/src/zookeeper/zk-client';
import type { ZkConnectionChange } from '../../../core/src/zookeeper/zk-connection-state';
import type { ZkSessionManager } from '../../../core/src/zookeeper/zk-session-manager';
import { runDetached } from '../../../core/src/util/run-detached';
import { metrics, type Counter, type Histogram, type Meter } from '@opentelemetry/api';
import { counterOf, gaugeOf, histogramOf } from '../../../core/src/telemetry/meter-instruments';
import { ATTR, METRICS } from '../../../core/src/telemetry/telemetry-catalogue';

export interface HelixControllerOptions {
  readonly cluster: string;
  readonly name: string;
  /** The process's ZooKeeper sessions (started; owned and closed by the caller). */
  readonly sessions: ZkSessionManager;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Safety-net pipeline period. Default 10 s. */
  readonly periodicRunMs?: number;
  /** Retry delay for partitions in ERROR. Default 2 s. */
  readonly errorRetryMs?: number;
  /** Delay before re-running a failed pipeline. Default 200 ms. */
  readonly failureRetryMs?: number;
  /** The whole cluster is read again at the first periodic run this long after the last whole read (safety net). Default 5 min. */
  readonly fullReadMs?: number;
  /** The process's OpenTelemetry meter (rebalances, leadership); default: the API's no-op meter. */
  readonly meter?: Meter;
}

export interface ControllerStats {
  readonly pipelineRuns: number;
  /** Pipeline runs that wrote an ideal state. */
  readonly rebalances: number;
  readonly messagesSent: number;
  readonly failedRuns: number;
  /** Whole-cluster reads of the cluster data (a leadership term's first run, failures, the safety net). */
  readonly fullReads: number;
  /** Single nodes re-read because a watch said they changed. */
  readonly nodeRefreshes: number;
  /** Resources the runs worked on, summed (a whole run counts every resource). */
  readonly resourcesExamined: number;
}

/** Pause between attempts to join on a session (setup and election) that failed. */
const JOIN_RETRY_MS = 500;

/** The `pacer.controller.phase` value of each stage of a run. */
const PHASE_LABELS: Readonly<Record<keyof PipelinePhases, string>> = {
  read: 'read', plan: 'plan', dispatch: 'dispatch', persist: 'persist', externalViews: 'external_views',
};

export class HelixController {
  private readonly paths: HelixPaths;
  private zk: ZkClient | undefined;
  private election: LeaderElection | undefined;
  private running = false;
  private dirty = false;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private periodic: NodeJS.Timeout | undefined;
  private idle: Promise<void> = Promise.resolve();
  private stats = { pipelineRuns: 0, rebalances: 0, messagesSent: 0, failedRuns: 0, resourcesExamined: 0 };
  private cache: ClusterDataCache | undefined;
  private memory: PipelineMemory = newPipelineMemory();
  private lastFullReadMs = 0;
  private readonly retiredCacheCounters = { fullLoads: 0, nodeRefreshes: 0 };
  private readonly rebalances: Counter;
  private readonly instruments: { readonly phases: Histogram; readonly messages: Counter; readonly fullReads: Counter; readonly nodeRefreshes: Counter };
  private offConnection: () => void = () => undefined;
  private joining: { readonly zk: ZkClient; readonly promise: Promise<void> } | undefined;
  private readonly watcher = (): void => this.schedule();
  private readonly changes: ControllerChangeLog;

  constructor(private readonly options: HelixControllerOptions) {
    this.paths = new HelixPaths(options.cluster);
    this.changes = new ControllerChangeLog(options.logger.child({ controller: options.name, cluster: options.cluster }));
    const meter = options.meter ?? metrics.getMeterProvider().getMeter('pinlater');
    this.rebalances = counterOf(meter, METRICS.controllerRebalances);
    this.instruments = {
      phases: histogramOf(meter, METRICS.controllerPipelineDuration),
      messages: counterOf(meter, METRICS.controllerMessagesSent),
      fullReads: counterOf(meter, METRICS.controllerFullReads),
      nodeRefreshes: counterOf(meter, METRICS.controllerNodeRefreshes),
    };
    gaugeOf(meter, METRICS.controllerLeader, (observe) => observe(this.isLeader() ? 1 : 0));
  }

  /** Joins on the manager's current session; later sessions are joined as they come. */
  async start(): Promise<void> {
    this.offConnection = this.options.sessions.onChange((change) => this.onConnection(change));
    const zk = this.options.sessions.client();
    if (!zk) throw new Error('controller: the ZooKeeper session manager has no session (start it first)');
    const first = this.join(zk);
    this.joining = { zk, promise: first.catch(() => undefined) };
    await first;
  }

  isLeader(): boolean {
    return this.election?.isLeader() ?? false;
  }

  counters(): ControllerStats {
    const live = this.cache?.counters() ?? { fullLoads: 0, nodeRefreshes: 0 };
    return {
      ...this.stats,
      fullReads: this.retiredCacheCounters.fullLoads + live.fullLoads,
      nodeRefreshes: this.retiredCacheCounters.nodeRefreshes + live.nodeRefreshes,
    };
  }

  /** The session it joined with (tests use it to force expiry). */
  session(): ZkClient | undefined {
    return this.zk;
  }

  /** Gives up leadership (another controller takes over at once); the session stays the caller's. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.offConnection();
    this.stopTimers();
    await this.idle;
    await this.election?.stop().catch(() => undefined);
  }

  private async join(zk: ZkClient): Promise<void> {
    if (this.closed) return;
    this.useSession(zk);
    await setupCluster(zk, this.paths);
    if (this.closed || zk !== this.zk) return;
    this.election = new LeaderElection({
      zk,
      paths: this.paths,
      controllerName: this.options.name,
      clock: this.options.clock,
      logger: this.options.logger,
      onLeadershipChange: (leader) => this.onLeadershipChange(leader),
    });
    await this.election.start();
  }

  private onConnection(change: ZkConnectionChange): void {
    if (this.closed) return;
    const { state, session } = change;
    if (state === 'CONNECTED') {
      runDetached('join the new session from the connection listener', this.joinUntilDone(session), this.options.logger);
      return;
    }
    if (session !== this.zk) return;
    if (state === 'SUSPENDED') this.election?.suspend();
    else if (state === 'RECONNECTED') runDetached('resume leadership from the connection listener', this.resume(session), this.options.logger);
    else this.lose(change);
  }

  private lose(change: ZkConnectionChange): void {
    this.options.logger.warn({ controller: this.options.name, reason: change.reason }, 'controller session lost; rejoining with the next session');
    this.election?.suspend();
    this.stopTimers();
    this.election = undefined;
    this.useSession(undefined);
  }

  /** The session the controller works on, with a cluster data cache of its own (watches belong to a session). */
  private useSession(zk: ZkClient | undefined): void {
    if (zk === this.zk && (zk === undefined || this.cache)) return;
    const old = this.cache?.counters();
    if (old) {
      this.retiredCacheCounters.fullLoads += old.fullLoads;
      this.retiredCacheCounters.nodeRefreshes += old.nodeRefreshes;
    }
    this.zk = zk;
    this.cache = zk ? new ClusterDataCache(zk, this.paths, this.watcher) : undefined;
    this.memory = newPipelineMemory();
  }

  /** The next run reads the whole cluster again. */
  private readWholeCluster(): void {
    this.cache?.invalidate();
    this.memory = newPipelineMemory();
  }

  private async resume(zk: ZkClient): Promise<void> {
    if (!this.election) {
      await this.joinUntilDone(zk);
      return;
    }
    try {
      await this.election.resume();
    } catch (e) {
      this.options.logger.warn({ err: coerceError(e) }, 'controller could not re-check its leadership; joining again');
      this.election = undefined;
      await this.joinUntilDone(zk);
    }
  }

  /** Joins on `zk`, retrying while it is still the manager's session; one join per session at a time. */
  private joinUntilDone(zk: ZkClient): Promise<void> {
    if (this.joining?.zk !== zk) {
      const promise = this.joinLoop(zk).finally(() => {
        if (this.joining?.promise === promise) this.joining = undefined;
      });
      this.joining = { zk, promise };
    }
    return this.joining.promise;
  }

  private async joinLoop(zk: ZkClient): Promise<void> {
    while (!this.closed && this.options.sessions.client() === zk) {
      try {
        await this.join(zk);
        return;
      } catch (e) {
        this.options.logger.warn({ err: coerceError(e) }, 'controller join failed; retrying');
        await sleep(JOIN_RETRY_MS);
      }
    }
  }

  private onLeadershipChange(leader: boolean): void {
    if (!leader) {
      this.stopTimers();
      return;
    }
    this.changes.leadershipGained();
    this.readWholeCluster();
    const period = this.options.periodicRunMs ?? 10_000;
    this.periodic = setInterval(() => this.periodicRun(), period);
    this.schedule();
  }

  /** The safety net: a run on the cache, and a whole read when the last one is `fullReadMs` old. */
  private periodicRun(): void {
    if (this.options.clock.nowMs() - this.lastFullReadMs >= (this.options.fullReadMs ?? 300_000)) this.readWholeCluster();
    this.schedule();
  }

  private stopTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.periodic) clearInterval(this.periodic);
    this.timer = undefined;
    this.periodic = undefined;
  }

  /** Requests a pipeline run; runs are serialized and coalesced. */
  schedule(): void {
    if (this.closed || !this.isLeader()) return;
    this.dirty = true;
    if (this.running) return;
    this.running = true;
    this.idle = this.drain().finally(() => {
      this.running = false;
    });
  }

  private async drain(): Promise<void> {
    while (this.dirty && !this.closed && this.isLeader() && this.zk && this.cache) {
      this.dirty = false;
      const result = await this.runOnce(this.zk, this.cache);
      if (result) this.afterRun(result);
    }
  }

  private async runOnce(zk: ZkClient, cache: ClusterDataCache): Promise<PipelineResult | undefined> {
    this.stats.pipelineRuns++;
    const cacheBefore = cache.counters();
    const before = cacheBefore.fullLoads;
    const startMs = this.options.clock.nowMs();
    try {
      const result = await runPipeline({
        zk,
        paths: this.paths,
        controllerName: this.options.name,
        clock: this.options.clock,
        cache,
        memory: this.memory,
        errorRetryMs: this.options.errorRetryMs ?? 2000,
        observer: this.changes,
      });
      this.options.logger.debug({ durationMs: this.options.clock.nowMs() - startMs, ...result }, 'controller pipeline run');
      return result;
    } catch (e) {
      // What the run saw may be half applied (an ideal state written, its messages not): read it all again.
      this.readWholeCluster();
      this.stats.failedRuns++;
      this.options.logger.warn({ err: coerceError(e) }, 'controller pipeline failed; retrying');
      this.scheduleAt(this.options.clock.nowMs() + (this.options.failureRetryMs ?? 200));
      return undefined;
    } finally {
      const cacheAfter = cache.counters();
      if (cacheAfter.fullLoads > before) this.lastFullReadMs = this.options.clock.nowMs();
      this.instruments.fullReads.add(cacheAfter.fullLoads - cacheBefore.fullLoads);
      this.instruments.nodeRefreshes.add(cacheAfter.nodeRefreshes - cacheBefore.nodeRefreshes);
    }
  }

  private afterRun(result: PipelineResult): void {
    this.stats.messagesSent += result.messagesSent;
    this.instruments.messages.add(result.messagesSent);
    for (const [phase, ms] of Object.entries(result.phasesMs ?? {})) {
      this.instruments.phases.record(ms / 1000, { [ATTR.controllerPhase]: PHASE_LABELS[phase as keyof PipelinePhases] });
    }
    this.stats.resourcesExamined += result.resourcesExamined;
    if (result.idealStatesWritten > 0) {
      this.stats.rebalances++;
      this.rebalances.add(1);
    }
    if (result.rerunAtMs !== undefined) this.scheduleAt(result.rerunAtMs + 5);
  }

  private scheduleAt(atMs: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.schedule();
    }, Math.max(0, atMs - this.options.clock.nowMs()));
  }
}
