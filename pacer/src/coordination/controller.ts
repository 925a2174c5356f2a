/**
 * A Helix-style controller process member: joins the leader election and, while leader, runs the
 * pipeline (`controller-pipeline.ts`) whenever a watched node changes, at delayed-rebalance
 * deadlines, and periodically as a safety net. Runs are serialized and coalesced. On session
 * expiry it drops leadership at once and rejoins with a new session.
 */
import type { Logger } from '../../../core/src/logging/logger';
import type { Clock } from '../../../core/src/util/clock';
import { coerceError } from '../../../core/src/errors/coerce-error';
import { runPipeline, type PipelineResult } from './controller-pipeline';
import { HelixPaths } from './helix-paths';
import { LeaderElection } from './leader-election';
import { setupCluster } from './cluster-setup';
import type { ZkClient, ZkSessionEvent } from './zk-client';

export interface HelixControllerOptions {
  readonly cluster: string;
  readonly name: string;
  /** Opens a new ZooKeeper session (called again after expiry). */
  readonly connect: () => Promise<ZkClient>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Safety-net pipeline period. Default 10 s. */
  readonly periodicRunMs?: number;
  /** Retry delay for partitions in ERROR. Default 2 s. */
  readonly errorRetryMs?: number;
  /** Delay before re-running a failed pipeline. Default 200 ms. */
  readonly failureRetryMs?: number;
}

export interface ControllerStats {
  readonly pipelineRuns: number;
  readonly messagesSent: number;
  readonly failedRuns: number;
}

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
  private stats = { pipelineRuns: 0, messagesSent: 0, failedRuns: 0 };
  private readonly watcher = (): void => this.schedule();

  constructor(private readonly options: HelixControllerOptions) {
    this.paths = new HelixPaths(options.cluster);
  }

  async start(): Promise<void> {
    await this.join();
  }

  isLeader(): boolean {
    return this.election?.isLeader() ?? false;
  }

  counters(): ControllerStats {
    return { ...this.stats };
  }

  /** The live session (tests use it to force expiry). */
  session(): ZkClient | undefined {
    return this.zk;
  }

  /** Gives up leadership (another controller takes over at once) and closes the session. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopTimers();
    await this.idle;
    await this.election?.stop().catch(() => undefined);
    await this.zk?.close();
  }

  private async join(): Promise<void> {
    const zk = await this.options.connect();
    if (this.closed) {
      await zk.close();
      return;
    }
    this.zk = zk;
    zk.onSessionEvent((event) => this.onSessionEvent(zk, event));
    await setupCluster(zk, this.paths);
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

  private onSessionEvent(zk: ZkClient, event: ZkSessionEvent): void {
    if (event !== 'expired' || zk !== this.zk || this.closed) return;
    this.options.logger.warn({ controller: this.options.name }, 'controller session expired; rejoining');
    this.stopTimers();
    this.election = undefined;
    this.zk = undefined;
    void zk.close();
    void this.rejoin();
  }

  private async rejoin(): Promise<void> {
    while (!this.closed) {
      try {
        await this.join();
        return;
      } catch (e) {
        this.options.logger.warn({ err: coerceError(e) }, 'controller rejoin failed; retrying');
        await new Promise<void>((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  private onLeadershipChange(leader: boolean): void {
    if (!leader) {
      this.stopTimers();
      return;
    }
    const period = this.options.periodicRunMs ?? 10_000;
    this.periodic = setInterval(() => this.schedule(), period);
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
    while (this.dirty && !this.closed && this.isLeader() && this.zk) {
      this.dirty = false;
      const result = await this.runOnce(this.zk);
      if (result) this.afterRun(result);
    }
  }

  private async runOnce(zk: ZkClient): Promise<PipelineResult | undefined> {
    this.stats.pipelineRuns++;
    try {
      return await runPipeline({
        zk,
        paths: this.paths,
        controllerName: this.options.name,
        nowMs: this.options.clock.nowMs(),
        watcher: this.watcher,
        errorRetryMs: this.options.errorRetryMs ?? 2000,
      });
    } catch (e) {
      this.stats.failedRuns++;
      this.options.logger.warn({ err: coerceError(e) }, 'controller pipeline failed; retrying');
      this.scheduleAt(this.options.clock.nowMs() + (this.options.failureRetryMs ?? 200));
      return undefined;
    }
  }

  private afterRun(result: PipelineResult): void {
    this.stats.messagesSent += result.messagesSent;
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
