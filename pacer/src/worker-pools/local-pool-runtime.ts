/**
 * The local runtime for worker pools: the same pool specs the Kubernetes pool manager deploys
 * (pool-spec.ts), run as local child processes instead of pods. Each pool gets its replicas
 * (the spec's `minReplicas` unless overridden), each a supervised child process
 * (local-replica.ts) of `localCommand ?? command`, started in `cwd` with the runtime's environment
 * plus the pool's worker environment (worker-env.ts: PINLATER_QUEUE, PINLATER_GATEWAY, …).
 * A spec's `statusPort` is replica 0's status port on 127.0.0.1; replica n gets `statusPort + n`
 * (one host: the replicas cannot share a port as pods do; worker-env.ts `localStatusAddress`).
 *
 * `close(deadline)` stops every replica at once: SIGTERM, then SIGKILL to what is left at the
 * deadline; it resolves when no child is left. `killNow()` is the synchronous last resort for the
 * runtime process's own exit. Health for the status port: `health()` (local-pool-health.ts).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../../core/src/logging/logger';
import { systemClock, type Clock } from '../../../core/src/util/clock';
import { runtimeHealth, type PoolStatus, type RuntimeHealth } from './local-pool-health';
import { LocalReplica, type ReplicaStopResult } from './local-replica';
import { DEFAULT_RESTART_POLICY, type RestartPolicySettings } from './local-restart-policy';
import { poolName } from './pool-name';
import type { PoolSpec } from './pool-spec';
import { localStatusAddress, workerEnv } from './worker-env';

export interface LocalPoolRuntimeOptions {
  readonly specs: readonly PoolSpec[];
  /** host:port of the PinLater gateway the workers talk to. */
  readonly gateway: string;
  /** The workers' working directory (relative commands resolve against it). */
  readonly cwd: string;
  /** The environment every worker starts from (the runtime's own, normally). */
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  /** Per-replica log files `<logDir>/<pool>-<index>.log`; absent: the workers inherit stdout/stderr. */
  readonly logDir?: string;
  /** Replicas per queue; a queue not in it gets its spec's `minReplicas`. */
  readonly replicas?: ReadonlyMap<string, number>;
  readonly policy?: RestartPolicySettings;
  readonly logger: Logger;
  readonly clock?: Clock;
}

/** What `close()` did: replicas that stopped on SIGTERM in time, and those that needed SIGKILL. */
export interface LocalRuntimeStopReport {
  readonly graceful: number;
  readonly killed: ReadonlyArray<{ readonly pool: string; readonly replica: number }>;
}

interface LocalPool {
  readonly spec: PoolSpec;
  readonly name: string;
  readonly argv: readonly string[];
  readonly replicas: readonly LocalReplica[];
}

export class LocalPoolRuntime {
  private readonly pools: readonly LocalPool[];
  private readonly clock: Clock;
  private startedAt: number | undefined;
  private closing: Promise<LocalRuntimeStopReport> | undefined;

  constructor(private readonly options: LocalPoolRuntimeOptions) {
    this.clock = options.clock ?? systemClock;
    this.pools = options.specs.map((spec) => this.pool(spec));
  }

  /** Creates the log directory and starts every replica. */
  start(): void {
    if (this.startedAt !== undefined || this.closing !== undefined) return;
    if (this.options.logDir !== undefined) mkdirSync(this.options.logDir, { recursive: true });
    this.startedAt = this.clock.nowMs();
    for (const pool of this.pools) {
      this.options.logger.info({ queue: pool.spec.queue, pool: pool.name, replicas: pool.replicas.length, argv: pool.argv, spec: pool.spec.source }, 'starting worker pool');
      for (const replica of pool.replicas) replica.start();
    }
  }

  health(): RuntimeHealth {
    const pools: PoolStatus[] = this.pools.map((p) => ({
      queue: p.spec.queue, pool: p.name, source: p.spec.source, argv: p.argv, desiredReplicas: p.replicas.length, replicas: p.replicas.map((r) => r.status()),
    }));
    const uptimeMs = this.startedAt === undefined ? 0 : this.clock.nowMs() - this.startedAt;
    return runtimeHealth(pools, { gateway: this.options.gateway, uptimeMs, stopping: this.closing !== undefined });
  }

  /** Stops every replica (SIGTERM, SIGKILL after `deadlineMs`); resolves once none is left. Idempotent. */
  close(deadlineMs: number): Promise<LocalRuntimeStopReport> {
    this.closing ??= this.stopAll(deadlineMs);
    return this.closing;
  }

  /** SIGKILL to every live worker's process group, synchronously (for `process.on('exit')`). */
  killNow(): void {
    for (const pool of this.pools) for (const replica of pool.replicas) replica.killNow();
  }

  private async stopAll(deadlineMs: number): Promise<LocalRuntimeStopReport> {
    const results = await Promise.all(this.pools.map(async (p) => ({ pool: p.name, stops: await Promise.all(p.replicas.map((r) => r.stop(deadlineMs))) })));
    const killed = results.flatMap(({ pool, stops }) => stops.filter((s: ReplicaStopResult) => !s.graceful).map((s) => ({ pool, replica: s.index })));
    const graceful = results.reduce((n, r) => n + r.stops.length, 0) - killed.length;
    return { graceful, killed };
  }

  private pool(spec: PoolSpec): LocalPool {
    const name = poolName(spec.queue);
    const argv = spec.localCommand ?? spec.command;
    const count = this.options.replicas?.get(spec.queue) ?? spec.minReplicas;
    const replicas = Array.from({ length: count }, (_, index) => new LocalReplica({
      queue: spec.queue, pool: name, index, argv, cwd: this.options.cwd, env: this.replicaEnv(spec, name, index),
      logFile: this.options.logDir === undefined ? undefined : join(this.options.logDir, `${name}-${index}.log`),
      policy: this.options.policy ?? DEFAULT_RESTART_POLICY,
      logger: this.options.logger,
      clock: this.clock,
    }));
    return { spec, name, argv, replicas };
  }

  private replicaEnv(spec: PoolSpec, pool: string, index: number): Record<string, string | undefined> {
    return { ...this.options.baseEnv, ...workerEnv(spec, this.options.gateway, pool, localStatusAddress(spec, index)) };
  }
}
