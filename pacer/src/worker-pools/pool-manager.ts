/**
 * The pool manager: keeps one Deployment per worker pool spec in a namespace as the spec says
 * (and, with `--keda`, one ScaledObject per pool), scaled by its own autoscaler or by KEDA.
 *
 * A pass: read the specs (an invalid edit keeps the last valid set, reported as an error), list
 * the managed Deployments (and ScaledObjects), decide the replicas (pool-manager-autoscaling.ts),
 * plan (pool-manager-plan.ts) and apply the plan (pool-manager-apply.ts). `start()` runs a pass
 * every interval and watches the managed Deployments (kube-watch.ts): a Deployment edited or
 * deleted by hand (drift from the last plan), or a managed one no spec asks for, triggers a pass
 * at once, which applies the plan back. `plan()` alone is the dry run: it reads, never writes.
 *
 * `status()` is the admin port's /health body: ready once a pass succeeded; per pool the desired
 * and current replicas, the last backlog and decision; the last error.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { coerceError } from '../../../core/src/errors/coerce-error';
import type { Logger } from '../../../core/src/logging/logger';
import type { Clock } from '../../../core/src/util/clock';
import type { BacklogSample } from './autoscaler-backlog';
import type { BacklogSource } from './autoscaler-backlog-reader';
import type { ScaleReason } from './autoscaler';
import type { PoolKubeClient } from './kube-client';
import { KubeApiError } from './kube-errors';
import { isManaged } from './kube-labels';
import type { KubeObject } from './kube-object';
import { ResumableWatch, type WatchStatusReport } from './kube-watch';
import { applyPlan } from './pool-manager-apply';
import { PoolAutoscaling } from './pool-manager-autoscaling';
import { changedFields } from './pool-manager-diff';
import { planPools, type PlanAction } from './pool-manager-plan';
import { poolName } from './pool-name';
import type { PoolSpec } from './pool-spec';

export interface PoolManagerOptions {
  readonly namespace: string;
  /** host:port of the routing gateway's Thrift endpoint, as the workers reach it. */
  readonly gateway: string;
  readonly terminationGracePeriodSeconds: number;
  /** Time between passes (a drift triggers one sooner). */
  readonly intervalMs: number;
  /** Set: the KEDA route (ScaledObjects polling this gateway admin base URL); unset: the manager scales. */
  readonly keda: { readonly backlogBase: string } | undefined;
  /** The autoscaler's tolerance band (autoscaler.ts). */
  readonly tolerance: number;
}

export interface PoolManagerDeps {
  readonly client: PoolKubeClient;
  readonly backlog: BacklogSource;
  /** Reads and validates the pool specs (throws PoolSpecError); called at construction and every pass. */
  readonly loadSpecs: () => readonly PoolSpec[];
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface PlanResult {
  readonly actions: readonly PlanAction[];
  /** Problems to report although the pass goes on (specs invalid now: the last valid set is used). */
  readonly problems: readonly string[];
}

export interface PassResult {
  readonly actions: readonly PlanAction[];
  /** Clear messages, one per failure; empty when the pass succeeded. */
  readonly errors: readonly string[];
}

export interface PoolStatus {
  readonly queue: string;
  readonly name: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** The autoscaler's decision (null with KEDA, whose HPA decides). */
  readonly desiredReplicas: number | null;
  /** The Deployment's `spec.replicas` as last seen (null: no Deployment). */
  readonly currentReplicas: number | null;
  readonly readyReplicas: number | null;
  readonly lastDecision: ScaleReason | null;
  readonly backlog: BacklogSample | null;
  readonly backlogProblem: string | null;
}

export interface PoolManagerStatus {
  /** A pass has succeeded (the readiness probe). */
  readonly ready: boolean;
  readonly status: 'starting' | 'ok' | 'degraded';
  readonly mode: 'autoscaler' | 'keda';
  readonly namespace: string;
  readonly passes: number;
  readonly lastPassAt: string | null;
  readonly lastSuccessAt: string | null;
  readonly lastError: string | null;
  readonly watch: WatchStatusReport | null;
  readonly pools: readonly PoolStatus[];
}

/** Passes triggered by drift are at least this far apart (a flood of events is one pass). */
const MIN_TRIGGERED_GAP_MS = 250;

export class PoolManager {
  private specs: readonly PoolSpec[];
  private readonly autoscaling: PoolAutoscaling;
  /** Managed Deployments by name, from the last list and the watch since. */
  private readonly observed = new Map<string, KubeObject>();
  /** The Deployment manifests of the last plan by name (what drift is measured against); undefined before the first. */
  private desired: Map<string, KubeObject> | undefined;
  private watch: ResumableWatch | undefined;
  private loop: Promise<void> | undefined;
  private wake: AbortController | undefined;
  private triggered = false;
  private closed = false;
  private passes = 0;
  private lastPassAtMs: number | undefined;
  private lastSuccessAtMs: number | undefined;
  private errors: readonly string[] = [];

  constructor(private readonly options: PoolManagerOptions, private readonly deps: PoolManagerDeps) {
    this.specs = deps.loadSpecs();
    this.autoscaling = new PoolAutoscaling({ backlog: deps.backlog, tolerance: options.tolerance, clock: deps.clock, logger: deps.logger.child({ component: 'autoscaler' }) });
  }

  /**
   * Reads the cluster and the backlog, decides, and returns what a pass would apply; writes
   * nothing. `problems`: what the pass must report although it can go on (specs invalid now).
   * Throws a KubeApiError when the cluster cannot be read.
   */
  async plan(): Promise<PlanResult> {
    const specProblem = this.reloadSpecs();
    const { namespace, keda } = this.options;
    const deployments = await this.deps.client.list('Deployment', namespace);
    this.observed.clear();
    for (const d of deployments.items) this.observed.set(d.metadata.name, d);
    const scaledObjects = await this.listScaledObjects();
    const replicas = keda !== undefined ? new Map<string, number>()
      : await this.autoscaling.decide(this.specs, (queue) => specReplicas(this.observed.get(poolName(queue))));
    const actions = planPools({
      specs: this.specs, replicas, deployments: deployments.items, scaledObjects,
      options: { namespace, gateway: this.options.gateway, terminationGracePeriodSeconds: this.options.terminationGracePeriodSeconds, keda },
    });
    this.rememberDesired(actions);
    return { actions, problems: specProblem === undefined ? [] : [specProblem] };
  }

  /** One pass: plan and apply. Never throws; the errors are in the result (and /health). */
  async reconcile(): Promise<PassResult> {
    this.passes += 1;
    this.lastPassAtMs = this.deps.clock.nowMs();
    let actions: readonly PlanAction[] = [];
    const errors: string[] = [];
    try {
      const plan = await this.plan();
      actions = plan.actions;
      errors.push(...plan.problems);
      for (const problem of plan.problems) this.deps.logger.error(problem);
      errors.push(...(await applyPlan(this.deps.client, actions, this.deps.logger)).map((f) => f.message));
    } catch (e) {
      const err = coerceError(e);
      errors.push(err.message);
      // An API server's failure is a message for the operator; anything else is a bug: its stack.
      this.deps.logger.error(e instanceof KubeApiError ? { errorKind: e.kind, status: e.status } : { err }, err.message);
    }
    if (errors.length === 0) this.lastSuccessAtMs = this.lastPassAtMs;
    this.errors = errors;
    return { actions, errors };
  }

  /** Passes every interval, and the watch that triggers one on drift. */
  start(): void {
    if (this.loop !== undefined || this.closed) return;
    this.watch = new ResumableWatch({
      client: this.deps.client, kind: 'Deployment', namespace: this.options.namespace, logger: this.deps.logger.child({ component: 'watch' }),
      onList: (items) => this.checkList(items),
      onEvent: (type, object) => this.onWatchEvent(type, object),
    });
    this.watch.start();
    this.loop = this.runLoop();
  }

  status(): PoolManagerStatus {
    const ready = this.lastSuccessAtMs !== undefined;
    return {
      ready,
      status: !ready ? 'starting' : this.errors.length > 0 ? 'degraded' : 'ok',
      mode: this.options.keda === undefined ? 'autoscaler' : 'keda',
      namespace: this.options.namespace,
      passes: this.passes,
      lastPassAt: isoOrNull(this.lastPassAtMs),
      lastSuccessAt: isoOrNull(this.lastSuccessAtMs),
      lastError: this.errors.length === 0 ? null : this.errors.join('; '),
      watch: this.watch?.status() ?? null,
      pools: this.specs.map((spec) => this.poolStatus(spec)),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.abort();
    await this.watch?.close();
    await this.loop;
  }

  private async runLoop(): Promise<void> {
    while (!this.closed) {
      this.triggered = false;
      await this.reconcile();
      await this.pause(this.triggered ? Math.min(MIN_TRIGGERED_GAP_MS, this.options.intervalMs) : this.options.intervalMs);
    }
  }

  /** Waits `ms`, or less when a drift triggers a pass (never less than the triggered gap), or until close. */
  private async pause(ms: number): Promise<void> {
    if (this.closed) return;
    this.wake = new AbortController();
    try {
      await sleep(ms, undefined, { signal: this.wake.signal });
    } catch {
      if (!this.closed) await this.pause(Math.min(MIN_TRIGGERED_GAP_MS, this.options.intervalMs));
    } finally {
      this.wake = undefined;
    }
  }

  private trigger(name: string, why: string): void {
    if (this.closed) return;
    this.deps.logger.info({ name, why }, 'drift: a managed Deployment differs from the plan; reconciling');
    this.triggered = true;
    this.wake?.abort();
  }

  private onWatchEvent(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject): void {
    const name = object.metadata.name;
    if (type === 'DELETED') this.observed.delete(name);
    else this.observed.set(name, object);
    if (this.desired === undefined) return;
    const want = this.desired.get(name);
    if (type === 'DELETED') {
      if (want !== undefined) this.trigger(name, 'deleted');
      return;
    }
    this.checkOne(object, want);
  }

  /** After a (re)list: what changed while no watch ran. */
  private checkList(items: readonly KubeObject[]): void {
    if (this.desired === undefined) return;
    const seen = new Set(items.map((o) => o.metadata.name));
    for (const name of this.desired.keys()) if (!seen.has(name)) this.trigger(name, 'missing');
    for (const object of items) this.checkOne(object, this.desired.get(object.metadata.name));
  }

  private checkOne(object: KubeObject, want: KubeObject | undefined): void {
    const name = object.metadata.name;
    if (want === undefined) {
      if (isManaged(object.metadata.labels)) this.trigger(name, 'managed but in no pool spec');
      return;
    }
    const changes = changedFields(want, object);
    if (changes.length > 0) this.trigger(name, `changed: ${changes.map((c) => c.field).join(', ')}`);
  }

  /** With KEDA the manifests have no replicas (the HPA owns them): a change of them is no drift. */
  private rememberDesired(actions: readonly PlanAction[]): void {
    const desired = new Map<string, KubeObject>();
    for (const a of actions) if (a.object === 'Deployment' && a.kind !== 'delete') desired.set(a.name, a.manifest);
    this.desired = desired;
  }

  private async listScaledObjects(): Promise<readonly KubeObject[] | undefined> {
    try {
      return (await this.deps.client.list('ScaledObject', this.options.namespace)).items;
    } catch (e) {
      // Without --keda, leftover ScaledObjects are cleaned up when they can be listed at all.
      if (this.options.keda === undefined && e instanceof KubeApiError && (e.kind === 'kind-missing' || e.kind === 'forbidden')) {
        this.deps.logger.debug({ reason: e.message }, 'not checking for leftover ScaledObjects');
        return undefined;
      }
      throw e;
    }
  }

  /** Reads the specs; on a problem keeps the last valid set and returns the problem. */
  private reloadSpecs(): string | undefined {
    try {
      this.specs = this.deps.loadSpecs();
      return undefined;
    } catch (e) {
      return `the pool specs are invalid now; keeping the last valid set: ${coerceError(e).message}`;
    }
  }

  private poolStatus(spec: PoolSpec): PoolStatus {
    const name = poolName(spec.queue);
    const deployment = this.observed.get(name);
    const scaling = this.options.keda === undefined ? this.autoscaling.report(spec.queue) : undefined;
    return {
      queue: spec.queue,
      name,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      desiredReplicas: scaling?.decision.replicas ?? null,
      currentReplicas: specReplicas(deployment) ?? null,
      readyReplicas: (deployment as { status?: { readyReplicas?: number } } | undefined)?.status?.readyReplicas ?? null,
      lastDecision: scaling?.decision.reason ?? null,
      backlog: scaling?.backlog ?? null,
      backlogProblem: scaling?.backlogProblem ?? null,
    };
  }
}

function specReplicas(deployment: KubeObject | undefined): number | undefined {
  const replicas = (deployment?.spec as { replicas?: unknown } | undefined)?.replicas;
  return typeof replicas === 'number' ? replicas : undefined;
}

function isoOrNull(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}
