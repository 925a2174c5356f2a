/**
 * Diffy's rule for reporting a field (../shared/OPS-FACTS.md "Shadow comparison"): with `raw` the
 * comparisons where primary and candidate differ in the field, `noise` those where the primary
 * differs from itself (the secondary), and `total` the comparisons of the method, the field is
 * flagged only when
 *
 *   raw > noise  and  |raw−noise| / (raw+noise) × 100 > relative  and  |raw−noise| / total × 100 > absolute
 *
 * (defaults 20 % and 0.03 %, shadow-settings.ts). Written from the published description, not
 * Diffy's code (its licence forbids reuse).
 */
export interface NoiseThresholds {
  readonly relativeThresholdPercent: number;
  readonly absoluteThresholdPercent: number;
}

export function isFlagged(raw: number, noise: number, total: number, thresholds: NoiseThresholds): boolean {
  if (raw <= noise || total <= 0) return false;
  const excess = raw - noise;
  const relative = (excess / (raw + noise)) * 100;
  const absolute = (excess / total) * 100;
  return relative > thresholds.relativeThresholdPercent && absolute > thresholds.absoluteThresholdPercent;
}
