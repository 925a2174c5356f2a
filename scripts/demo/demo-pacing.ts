/**
 * The demo's randomness, pure so that it is specified (demo-pacing.spec.ts): jittered gaps around
 * a mean rate, which jobs run later, which acks fail. `random` is Math.random in the processes.
 */
export type Random = () => number;

/** A gap (ms) averaging 1000 / rate: `jitter` 0 is a metronome, 1 spreads it over [0, 2 × mean]. */
export function jitteredGapMs(rate: number, jitter: number, random: Random): number {
  const mean = 1000 / rate;
  return mean * (1 - jitter + 2 * jitter * random());
}

/** True with probability `ratio`. */
export function chance(ratio: number, random: Random): boolean {
  return random() < ratio;
}

/** A run-after time up to `maxMs` after `nowMs` for a `ratio` share of jobs; undefined (now) for the rest. */
export function runAfterFor(nowMs: number, ratio: number, maxMs: number, random: Random): number | undefined {
  if (maxMs === 0 || !chance(ratio, random)) return undefined;
  return nowMs + Math.ceil(random() * maxMs);
}

/** Splits `items` into the ones acked as succeeded and as failed (a `failureRatio` share, at random). */
export function splitAcks<T>(items: readonly T[], failureRatio: number, random: Random): { succeeded: T[]; failed: T[] } {
  const succeeded: T[] = [];
  const failed: T[] = [];
  for (const item of items) (chance(failureRatio, random) ? failed : succeeded).push(item);
  return { succeeded, failed };
}
