/**
 * Java `Math.round(double)`: round half up (2.5 → 3, -0.5 → 0), NaN → 0. PinLater rounds the
 * number of shards a dequeue covers this way (FACTS §3.6, `Math.round(numShards * coverage)`).
 */
export function javaRound(x: number): number {
  return Number.isNaN(x) ? 0 : Math.floor(x + 0.5);
}
