import type { BacklogSample } from './autoscaler-backlog';
import { desiredReplicas, initialAutoscalerState, nextScale, type AutoscalerState, type ScalingPolicy } from './autoscaler';
import { seededRandom } from '../../../test/support/seeded-random';

const policy: ScalingPolicy = { minReplicas: 1, maxReplicas: 20, targetBacklogPerReplica: 100, scaleDownDelaySeconds: 60, concurrency: 8, tolerance: 0.1 };

function sample(ready: number, inProgress = 0, rate = 0): BacklogSample {
  return { ready, inProgress, future: 0, dequeueRatePerSecond: rate, answered: 1, asked: 1 };
}

/** Runs a series of samples one second apart; returns the replicas after each. */
function run(p: ScalingPolicy, start: number, samples: readonly (BacklogSample | undefined)[]): number[] {
  let state: AutoscalerState = initialAutoscalerState(p, start, 0);
  return samples.map((s, i) => {
    const next = nextScale(p, state, s, (i + 1) * 1000);
    state = next.state;
    return next.decision.replicas;
  });
}

describe('desiredReplicas', () => {
  it('spreads ready + in-progress jobs over the target per replica, rounded up and clamped', () => {
    expect(desiredReplicas(policy, sample(450, 50)).replicas).toBe(5);
    expect(desiredReplicas(policy, sample(501)).replicas).toBe(6);
    expect(desiredReplicas(policy, sample(0)).replicas).toBe(1);
    expect(desiredReplicas(policy, sample(1_000_000)).replicas).toBe(20);
  });

  it('never goes below the replicas the dequeue rate keeps busy (Little: inProgress / concurrency)', () => {
    // Short jobs: the workers keep up (nothing ready), 60 jobs in flight at 1000 jobs/s: 8 replicas busy.
    const d = desiredReplicas(policy, sample(0, 60, 1000));
    expect(d.byBacklog).toBeCloseTo(0.6);
    expect(d.byRate).toBeCloseTo(7.5);
    expect(d.replicas).toBe(8);
  });

  it('has no rate floor when nothing is dequeued', () => {
    expect(desiredReplicas(policy, sample(0, 60, 0)).byRate).toBe(0);
  });
});

describe('nextScale', () => {
  it('scales up in the same pass', () => {
    expect(run(policy, 2, [sample(900)])).toEqual([9]);
  });

  it('scales down only after the lower desire held for scaleDownDelaySeconds', () => {
    const series = Array.from({ length: 70 }, () => sample(150));
    const replicas = run(policy, 8, series);
    expect(replicas.slice(0, 60)).toEqual(Array(60).fill(8));
    expect(replicas[60]).toBe(2);
  });

  it('restarts the delay when a higher desire comes back within it', () => {
    const series = [...Array.from({ length: 40 }, () => sample(150)), sample(800), ...Array.from({ length: 50 }, () => sample(150))];
    const replicas = run(policy, 8, series);
    expect(replicas.slice(0, 90).every((r) => r === 8)).toBe(true);
    expect(replicas[90]).toBe(8);
  });

  it('holds within the tolerance band', () => {
    const state = initialAutoscalerState(policy, 10, 0);
    const up = nextScale(policy, state, sample(1050), 1000); // 10.5 wanted: within 10%
    expect(up.decision).toMatchObject({ replicas: 10, reason: 'within-tolerance' });
    const more = nextScale(policy, state, sample(1200), 1000);
    expect(more.decision).toMatchObject({ replicas: 12, reason: 'up' });
  });

  it('does not scale when the backlog cannot be read, and that counts as a desire of the current replicas', () => {
    const replicas = run(policy, 6, [...Array.from({ length: 61 }, () => undefined), ...Array.from({ length: 30 }, () => sample(100))]);
    expect(replicas.every((r) => r === 6)).toBe(true);
    const state = initialAutoscalerState(policy, 6, 0);
    expect(nextScale(policy, state, undefined, 1000).decision.reason).toBe('backlog-unread');
  });

  it('applies new bounds at once', () => {
    const state = initialAutoscalerState({ ...policy, maxReplicas: 50 }, 30, 0);
    expect(nextScale(policy, state, sample(5000), 1000).decision).toMatchObject({ from: 30, replicas: 20, reason: 'bounds' });
    const low = initialAutoscalerState({ ...policy, minReplicas: 0 }, 0, 0);
    expect(nextScale({ ...policy, minReplicas: 3 }, low, undefined, 1000).decision).toMatchObject({ replicas: 3, reason: 'bounds' });
  });

  it('scales a pool from zero when jobs arrive and back to zero after the delay', () => {
    const p = { ...policy, minReplicas: 0 };
    const replicas = run(p, 0, [sample(0), sample(30), ...Array.from({ length: 61 }, () => sample(0))]);
    expect(replicas[0]).toBe(0);
    expect(replicas[1]).toBe(1);
    expect(replicas[60]).toBe(1);
    expect(replicas[62]).toBe(0);
  });

  it('never flaps on a noisy backlog, where the same rule without hysteresis flaps', () => {
    const random = seededRandom(42);
    // A backlog around 520 (5.2 replicas' worth) with ±35% noise, one sample a second for 20 minutes.
    const series = Array.from({ length: 1200 }, () => sample(Math.round(520 * (0.65 + 0.7 * random()))));
    const replicas = run(policy, 5, series);
    const changes = replicas.filter((r, i) => r !== (i === 0 ? 5 : replicas[i - 1]));
    expect(changes.length).toBeLessThanOrEqual(2);
    // No scale-down ever follows a scale-up within the delay.
    let lastUp = -Infinity;
    replicas.forEach((r, i) => {
      const before = i === 0 ? 5 : (replicas[i - 1] ?? 5);
      if (r > before) lastUp = i;
      if (r < before) expect(i - lastUp).toBeGreaterThanOrEqual(policy.scaleDownDelaySeconds);
    });
    const naive = series.map((s) => desiredReplicas(policy, s).replicas);
    const naiveChanges = naive.filter((r, i) => i > 0 && r !== naive[i - 1]).length;
    expect(naiveChanges).toBeGreaterThan(300);
  });
});
