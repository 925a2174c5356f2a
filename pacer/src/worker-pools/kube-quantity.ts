/**
 * Kubernetes resource quantities (`250m`, `1`, `0.5`, `512Mi`, `1e3`) as numbers, so the pool
 * manager compares a spec's `resources` with what the API server stored: the server keeps a
 * quantity in its canonical form (`0.5` comes back as `500m`, `1.5Gi` as `1536Mi`), and comparing
 * the texts would report a change on every pass.
 * https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */

const SUFFIX: Readonly<Record<string, number>> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};
const QUANTITY = /^([+-]?[0-9]+(?:\.[0-9]*)?|[+-]?\.[0-9]+)(?:([eE][+-]?[0-9]+)|(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei))?$/;

/** The value of a quantity in base units (cores, bytes), or undefined when it is not one. */
export function quantityValue(text: string): number | undefined {
  const m = QUANTITY.exec(text.trim());
  if (m === null) return undefined;
  const mantissa = Number(m[1]);
  if (m[2] !== undefined) return mantissa * 10 ** Number(m[2].slice(1));
  return mantissa * (SUFFIX[m[3] ?? ''] ?? 1);
}

/** Whether two quantities are the same amount (`0.5` and `500m`); texts that do not parse compare as text. */
export function sameQuantity(a: string, b: string): boolean {
  const x = quantityValue(a);
  const y = quantityValue(b);
  if (x === undefined || y === undefined) return a === b;
  return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
}
