/**
 * The pool manager's own autoscaler (without `--keda`): pure functions from a queue's backlog to
 * a pool's replicas, with hysteresis so a noisy backlog never makes the pool flap.
 *
 * Desire (`desiredReplicas`), for one backlog sample:
 * - by backlog: `(ready + inProgress) / targetBacklogPerReplica`, the jobs that need a worker now
 *   spread so each replica faces the target;
 * - by rate, a floor: never fewer replicas than the current dequeue rate keeps busy. By Little's
 *   law a pool dequeuing D jobs/s that holds each job W s keeps D·W = inProgress jobs in flight,
 *   `concurrency` per replica: `inProgress / concurrency` replicas. A queue of many short jobs
 *   has a small backlog (its workers keep up) but needs those replicas to keep up; without the
 *   floor the backlog rule would scale it down, the backlog would grow back, and it would flap.
 *   With no dequeues (D = 0) nothing is being sustained and the floor is 0;
 * - the larger of the two, rounded up, clamped to [minReplicas, maxReplicas].
 *
 * Decision (`nextScale`), each pass:
 * - tolerance band: a desire within ±`tolerance` (10%) of the current replicas changes nothing;
 * - up at once: a higher desire is applied in the same pass;
 * - down only after the delay: the pool goes down to the highest desire seen over the last
 *   `scaleDownDelaySeconds` (the desire in effect at the window's start included), so a lower
 *   desire must have held for the whole delay. Start-up counts as a desire of the current
 *   replicas: a manager that just started never scales down before the delay;
 * - backlog unreadable: no change, and the pass counts as a desire of the current replicas;
 * - a spec's new bounds apply at once (an operator's edit is not a noisy signal).
 */
import type { BacklogSample } from './autoscaler-backlog';

export interface ScalingPolicy {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly targetBacklogPerReplica: number;
  readonly scaleDownDelaySeconds: number;
  /** Jobs in flight per replica (the spec's concurrency). */
  readonly concurrency: number;
  /** Relative band around the current replicas where a desire changes nothing (0.1 = ±10%). */
  readonly tolerance: number;
}

export const DEFAULT_TOLERANCE = 0.1;

export interface Desire {
  /** Unrounded, unclamped replicas by backlog. */
  readonly byBacklog: number;
  /** Replicas the dequeue rate keeps busy (the floor). */
  readonly byRate: number;
  /** max(byBacklog, byRate), rounded up and clamped. */
  readonly replicas: number;
}

export function desiredReplicas(policy: ScalingPolicy, sample: BacklogSample): Desire {
  const byBacklog = (sample.ready + sample.inProgress) / policy.targetBacklogPerReplica;
  const byRate = sample.dequeueRatePerSecond > 0 ? sample.inProgress / policy.concurrency : 0;
  return { byBacklog, byRate, replicas: clamp(policy, ceilTo(Math.max(byBacklog, byRate))) };
}

/** A desire the pool held from `atMs` on. */
interface Recommendation {
  readonly atMs: number;
  readonly replicas: number;
}

export interface AutoscalerState {
  /** The replicas decided last (what the Deployment is applied with). */
  readonly replicas: number;
  /** Desires, oldest first, pruned to the scale-down window (the one in effect at its start kept). */
  readonly history: readonly Recommendation[];
}

export type ScaleReason = 'steady' | 'up' | 'down' | 'within-tolerance' | 'down-delayed' | 'backlog-unread' | 'bounds';

export interface ScaleDecision {
  readonly from: number;
  readonly replicas: number;
  readonly reason: ScaleReason;
  /** The desire of this pass (undefined when the backlog was not read). */
  readonly desire?: Desire;
}

/** A pool's state when the manager first sees it: `replicas` as they are (clamped), start-up as a desire. */
export function initialAutoscalerState(policy: ScalingPolicy, replicas: number, nowMs: number): AutoscalerState {
  const current = clamp(policy, replicas);
  return { replicas: current, history: [{ atMs: nowMs, replicas: current }] };
}

/** One pass: the decision, and the state for the next pass. `sample` undefined: the backlog could not be read. */
export function nextScale(policy: ScalingPolicy, state: AutoscalerState, sample: BacklogSample | undefined, nowMs: number): { state: AutoscalerState; decision: ScaleDecision } {
  const from = state.replicas;
  const bounded = clamp(policy, from);
  const desire = sample === undefined ? undefined : desiredReplicas(policy, sample);
  const wanted = desire === undefined ? bounded : withinTolerance(policy, desire, bounded);
  const history = prune([...state.history, { atMs: nowMs, replicas: wanted }], nowMs - policy.scaleDownDelaySeconds * 1000);
  const highest = clamp(policy, Math.max(...history.map((r) => r.replicas)));
  const replicas = wanted > bounded ? wanted : Math.min(bounded, highest);
  const reason = reasonOf({ from, bounded, replicas, wanted, desire });
  return { state: { replicas, history }, decision: { from, replicas, reason, ...(desire === undefined ? {} : { desire }) } };
}

function reasonOf(d: { from: number; bounded: number; replicas: number; wanted: number; desire: Desire | undefined }): ScaleReason {
  if (d.replicas > d.bounded) return 'up';
  if (d.replicas < d.bounded) return 'down';
  if (d.bounded !== d.from) return 'bounds';
  if (d.desire === undefined) return 'backlog-unread';
  if (d.wanted < d.bounded) return 'down-delayed';
  return d.desire.replicas === d.bounded ? 'steady' : 'within-tolerance';
}

/** The desire, or the current replicas when the raw desire is within the tolerance band around them. */
function withinTolerance(policy: ScalingPolicy, desire: Desire, current: number): number {
  if (current === 0 || desire.replicas === current) return desire.replicas;
  const raw = Math.max(desire.byBacklog, desire.byRate);
  return Math.abs(raw / current - 1) <= policy.tolerance ? current : desire.replicas;
}

/** Drops desires that ended before `windowStartMs`: keeps every later one and the one in effect at the start. */
function prune(history: readonly Recommendation[], windowStartMs: number): Recommendation[] {
  let first = 0;
  for (let i = 0; i < history.length; i++) if ((history[i]?.atMs ?? 0) <= windowStartMs) first = i;
  return history.slice(first);
}

function clamp(policy: Pick<ScalingPolicy, 'minReplicas' | 'maxReplicas'>, replicas: number): number {
  return Math.min(policy.maxReplicas, Math.max(policy.minReplicas, replicas));
}

/** Rounds up, forgiving floating-point noise (3.0000000001 is 3). */
function ceilTo(value: number): number {
  return Math.ceil(value - 1e-9);
}
