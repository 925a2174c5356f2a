/**
 * Java `Double.toString` for finite doubles, as PinLater writes times into Redis
 * (`String.valueOf(millis / 1000.0)`, FACTS §6.2): plain decimal with at least one fractional
 * digit for 1e-3 <= |x| < 1e7, otherwise computerized scientific notation (`1.7E9`,
 * `1.425123456789E9`). Digits are the shortest round-trip representation (JDK 19+ behaviour).
 */
export function javaDoubleToString(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${Number(exponent)}`;
}

/** Seconds as PinLater's Redis layout stores them: `javaDoubleToString(ms / 1000.0)`. */
export function javaSeconds(ms: number): string {
  return javaDoubleToString(ms / 1000.0);
}

/** Java's `(long) (Double.valueOf(text) * 1000)`; missing → 0. */
export function secondsTextToMs(text: string | null | undefined): number {
  if (text === null || text === undefined) return 0;
  const v = Number(text) * 1000;
  return Number.isFinite(v) ? Math.trunc(v) : 0;
}
