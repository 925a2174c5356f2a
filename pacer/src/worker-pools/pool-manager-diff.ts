/**
 * Field-by-field comparison of a manifest the pool manager would apply with the object the API
 * server holds: what `--dry-run` prints ("update" with the changed fields, "scale" from → to),
 * what decides whether a pass applies anything, and how the watch tells a hand edit (drift) from
 * the manager's own writes.
 *
 * Only the fields the manifest sets are compared (the server adds defaults and status), plus, under
 * the subtrees the manager owns whole (the worker's env, resources, command, ports and probes; a
 * ScaledObject's triggers), fields the server has that the manifest no longer sets (a removed env
 * variable, or the probes of a spec that lost its `statusPort`, is a change: the server-side apply
 * removes it). deployment-manifest.ts sets every field of those the server would default. Lists of named items (containers, env) are keyed by
 * name; quantities compare by amount (`0.5` = `500m`, kube-quantity.ts).
 */
import { sameQuantity } from './kube-quantity';
import type { KubeObject } from './kube-object';

export interface FieldChange {
  /** `spec.replicas`, `spec.template.spec.containers[worker].env[LOG_LEVEL]`, … */
  readonly field: string;
  /** JSON text of the value; undefined when absent. */
  readonly from: string | undefined;
  readonly to: string | undefined;
}

export const REPLICAS_FIELD = 'spec.replicas';

/** Subtrees the manager owns whole: a field there that the manifest does not set is a change. */
const OWNED_WHOLE = [/^spec\.template\.spec\.containers\[[^\]]+\]\.(env|resources|command|ports|readinessProbe|livenessProbe)(\.|\[|$)/, /^spec\.triggers(\.|\[|$)/];
/** Identity, not compared. */
const IGNORED = new Set(['apiVersion', 'kind', 'metadata.name', 'metadata.namespace']);

/** The changes the manifest would make to `observed` (every set field when there is no object). */
export function changedFields(desired: KubeObject, observed: KubeObject | undefined): FieldChange[] {
  const want = flatten(desired);
  const have = observed === undefined ? new Map<string, string>() : flatten(observed);
  const changes: FieldChange[] = [];
  for (const [field, to] of want) {
    if (IGNORED.has(field)) continue;
    const from = have.get(field);
    if (from === undefined || !sameValue(field, from, to)) changes.push({ field, from, to });
  }
  for (const [field, from] of have) {
    if (!want.has(field) && OWNED_WHOLE.some((re) => re.test(field))) changes.push({ field, from, to: undefined });
  }
  return changes;
}

/** Leaf paths → JSON text of their values. */
export function flatten(value: unknown, prefix = '', out = new Map<string, string>(), keyedByName = false): Map<string, string> {
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object' || v === null)) {
      out.set(prefix, JSON.stringify(value));
      return out;
    }
    value.forEach((item, i) => {
      const key = keyOf(item);
      flatten(item, `${prefix}[${key ?? i}]`, out, key !== undefined);
    });
    return out;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      if (child === undefined || (keyedByName && key === 'name')) continue;
      flatten(child, prefix === '' ? key : `${prefix}.${key}`, out);
    }
    return out;
  }
  if (value !== undefined) out.set(prefix, JSON.stringify(value));
  return out;
}

/** A named item (`{name: …}`) is keyed by its name (its `name` then is no field of its own): order does not matter, names do. */
function keyOf(item: unknown): string | undefined {
  const name = (item as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : undefined;
}

function sameValue(field: string, a: string, b: string): boolean {
  if (a === b) return true;
  if (!/\.resources\.(requests|limits)\./.test(field)) return false;
  const x: unknown = JSON.parse(a);
  const y: unknown = JSON.parse(b);
  return (typeof x === 'string' || typeof x === 'number') && (typeof y === 'string' || typeof y === 'number') && sameQuantity(String(x), String(y));
}
