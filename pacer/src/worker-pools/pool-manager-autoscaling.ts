/**
 * The pool manager's autoscaling bookkeeping (without `--keda`): per pool, the autoscaler's state
 * (autoscaler.ts) across passes, the backlog read each pass (autoscaler-backlog-reader.ts) and
 * the last decision (for /health). A pool first seen starts from the replicas its Deployment has
 * (minReplicas when there is none). A backlog that cannot be read changes nothing and is logged
 * when the problem starts or changes, and when it is read again; every change of replicas is
 * logged with its reason and the backlog behind it.
 */
import type { Logger } from '../../../core/src/logging/logger';
import type { Clock } from '../../../core/src/util/clock';
import type { BacklogSample } from './autoscaler-backlog';
import type { BacklogSource } from './autoscaler-backlog-reader';
import { initialAutoscalerState, nextScale, type AutoscalerState, type ScaleDecision, type ScalingPolicy } from './autoscaler';
import type { PoolSpec } from './pool-spec';

export interface PoolScaling {
  readonly decision: ScaleDecision;
  readonly backlog: BacklogSample | undefined;
  readonly backlogProblem: string | undefined;
}

export class PoolAutoscaling {
  private readonly states = new Map<string, AutoscalerState>();
  private readonly problems = new Map<string, string>();
  private readonly last = new Map<string, PoolScaling>();

  constructor(private readonly deps: { readonly backlog: BacklogSource; readonly tolerance: number; readonly clock: Clock; readonly logger: Logger }) {}

  /** One pass: each pool's replicas by queue. `currentReplicas`: what its Deployment has now (undefined: no Deployment). */
  async decide(specs: readonly PoolSpec[], currentReplicas: (queue: string) => number | undefined): Promise<Map<string, number>> {
    const readings = await Promise.all(specs.map((spec) => this.deps.backlog.read(spec.queue)));
    const nowMs = this.deps.clock.nowMs();
    const out = new Map<string, number>();
    specs.forEach((spec, i) => {
      const reading = readings[i];
      const sample = reading?.ok === true ? reading.sample : undefined;
      this.noteBacklog(spec.queue, reading?.ok === false ? reading.problem : undefined, sample);
      const policy = policyOf(spec, this.deps.tolerance);
      const state = this.states.get(spec.queue) ?? initialAutoscalerState(policy, currentReplicas(spec.queue) ?? spec.minReplicas, nowMs);
      const next = nextScale(policy, state, sample, nowMs);
      this.states.set(spec.queue, next.state);
      this.last.set(spec.queue, { decision: next.decision, backlog: sample, backlogProblem: this.problems.get(spec.queue) });
      if (next.decision.replicas !== next.decision.from) this.logChange(spec.queue, next.decision, sample);
      out.set(spec.queue, next.decision.replicas);
    });
    this.forgetOthers(new Set(specs.map((s) => s.queue)));
    return out;
  }

  report(queue: string): PoolScaling | undefined {
    return this.last.get(queue);
  }

  private noteBacklog(queue: string, problem: string | undefined, sample: BacklogSample | undefined): void {
    const before = this.problems.get(queue);
    if (problem !== undefined) {
      if (problem !== before) this.deps.logger.warn({ queue, problem }, 'cannot read the backlog; not scaling the pool');
      this.problems.set(queue, problem);
      return;
    }
    if (before !== undefined) this.deps.logger.info({ queue }, 'backlog readable again');
    this.problems.delete(queue);
    if (sample !== undefined && sample.answered < sample.asked) {
      this.deps.logger.debug({ queue, answered: sample.answered, asked: sample.asked }, 'backlog: not every gateway answered; the dequeue rate is a partial sum');
    }
  }

  private logChange(queue: string, decision: ScaleDecision, sample: BacklogSample | undefined): void {
    this.deps.logger.info({
      queue, from: decision.from, to: decision.replicas, reason: decision.reason,
      ...(sample === undefined ? {} : { ready: sample.ready, inProgress: sample.inProgress, dequeueRatePerSecond: sample.dequeueRatePerSecond }),
      ...(decision.desire === undefined ? {} : { byBacklog: round2(decision.desire.byBacklog), byRate: round2(decision.desire.byRate) }),
    }, 'autoscaler: scaling pool');
  }

  private forgetOthers(queues: ReadonlySet<string>): void {
    for (const map of [this.states, this.problems, this.last]) {
      for (const queue of map.keys()) if (!queues.has(queue)) map.delete(queue);
    }
  }
}

export function policyOf(spec: PoolSpec, tolerance: number): ScalingPolicy {
  return {
    minReplicas: spec.minReplicas,
    maxReplicas: spec.maxReplicas,
    targetBacklogPerReplica: spec.targetBacklogPerReplica,
    scaleDownDelaySeconds: spec.scaleDownDelaySeconds,
    concurrency: spec.concurrency,
    tolerance,
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
