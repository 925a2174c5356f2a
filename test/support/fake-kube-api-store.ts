/**
 * The in-memory state of the fake Kubernetes API server (fake-kube-api.ts): objects per
 * resource (`deployments`, `scaledobjects`) and namespace, one global resourceVersion counter
 * (as etcd's), the event history watches replay from, and a compaction point (watching from a
 * version at or below it is 410 Gone). Server-side apply is approximated per field manager: the
 * applied configuration is merged into the object (objects field by field, lists whole), and a
 * field the same manager applied last time but leaves out now is removed unless another manager's
 * last apply has it. Fields set by plain writes (`edit`: kubectl, an HPA) belong to nobody here:
 * an apply that leaves them out keeps them. An apply that changes nothing bumps nothing.
 */

export interface StoredObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string>; resourceVersion: string; generation: number; uid: string };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredEvent {
  readonly rv: number;
  readonly type: EventType;
  readonly plural: string;
  readonly namespace: string;
  readonly object: StoredObject;
}

export class FakeKubeStore {
  private rv = 100;
  private uid = 0;
  private compactedThrough = 0;
  private readonly objects = new Map<string, StoredObject>();
  /** Per object, each field manager's last applied configuration. */
  private readonly applied = new Map<string, Map<string, Json>>();
  readonly history: StoredEvent[] = [];
  private readonly listeners = new Set<(event: StoredEvent) => void>();

  get resourceVersion(): number {
    return this.rv;
  }

  /** Watching from a version at or below this is 410 Gone. */
  get compacted(): number {
    return this.compactedThrough;
  }

  /** Expires every version seen so far (as a compaction would), then moves the counter on (other writes in the cluster). */
  expireHistory(): void {
    this.compactedThrough = this.rv;
    this.rv += 1;
    this.history.length = 0;
  }

  onEvent(listener: (event: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(plural: string, namespace: string, selector: LabelSelector): StoredObject[] {
    return [...this.objects.entries()]
      .filter(([key, o]) => key.startsWith(`${plural}/${namespace}/`) && selector(o.metadata.labels ?? {}))
      .map(([, o]) => o)
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
      .map(clone);
  }

  get(plural: string, namespace: string, name: string): StoredObject | undefined {
    const o = this.objects.get(keyOf(plural, namespace, name));
    return o === undefined ? undefined : clone(o);
  }

  /** Server-side apply by `manager`: creates or merges; returns the object and whether it was created. */
  apply(plural: string, namespace: string, name: string, body: Record<string, unknown>, manager: string): { object: StoredObject; created: boolean } {
    const key = keyOf(plural, namespace, name);
    const existing = this.objects.get(key);
    const managers = this.applied.get(key) ?? new Map<string, Json>();
    const config = { metadata: pick(body.metadata, ['labels', 'annotations']), spec: body.spec ?? {} } as Json;
    if (existing === undefined) {
      this.applied.set(key, new Map([[manager, config]]));
      return { object: this.create(plural, namespace, name, body), created: true };
    }
    const next = clone(existing) as unknown as Json;
    const others = [...managers].filter(([m]) => m !== manager).map(([, c]) => leafPaths(c));
    for (const path of leafPaths(managers.get(manager) ?? {})) {
      if (!hasPath(config, path) && !others.some((o) => o.some((p) => p.join('.') === path.join('.')))) deletePath(next, path);
    }
    mergeInto(next, config);
    managers.set(manager, config);
    this.applied.set(key, managers);
    const merged = next as unknown as StoredObject;
    if (JSON.stringify(merged) === JSON.stringify(existing)) return { object: clone(existing), created: false };
    if (JSON.stringify(merged.spec) !== JSON.stringify(existing.spec)) merged.metadata.generation += 1;
    return { object: this.store(plural, merged, 'MODIFIED'), created: false };
  }

  /** A create (POST, or the first apply): `replicas` defaults to 1 for a Deployment, as Kubernetes does. */
  create(plural: string, namespace: string, name: string, body: Record<string, unknown>): StoredObject {
    const meta = (body.metadata ?? {}) as { labels?: Record<string, string>; annotations?: Record<string, string> };
    const spec = { ...((body.spec ?? {}) as Record<string, unknown>) };
    if (plural === 'deployments' && spec.replicas === undefined) spec.replicas = 1;
    this.uid += 1;
    const object: StoredObject = {
      ...body,
      metadata: { name, namespace, ...(meta.labels === undefined ? {} : { labels: meta.labels }), ...(meta.annotations === undefined ? {} : { annotations: meta.annotations }), resourceVersion: '', generation: 1, uid: `uid-${this.uid}` },
      spec,
    };
    return this.store(plural, object, 'ADDED');
  }

  /** An edit by someone else (kubectl edit/scale): `mutate` changes a copy, stored as MODIFIED. */
  edit(plural: string, namespace: string, name: string, mutate: (o: StoredObject) => void): StoredObject {
    const existing = this.objects.get(keyOf(plural, namespace, name));
    if (existing === undefined) throw new Error(`fake kube: no ${plural} ${namespace}/${name} to edit`);
    const next = clone(existing);
    mutate(next);
    return this.store(plural, next, 'MODIFIED');
  }

  delete(plural: string, namespace: string, name: string): StoredObject | undefined {
    const key = keyOf(plural, namespace, name);
    const existing = this.objects.get(key);
    if (existing === undefined) return undefined;
    this.objects.delete(key);
    this.applied.delete(key);
    this.rv += 1;
    const gone = { ...clone(existing), metadata: { ...existing.metadata, resourceVersion: String(this.rv) } };
    this.emit({ rv: this.rv, type: 'DELETED', plural, namespace, object: gone });
    return gone;
  }

  private store(plural: string, object: StoredObject, type: EventType): StoredObject {
    this.rv += 1;
    object.metadata.resourceVersion = String(this.rv);
    this.objects.set(keyOf(plural, object.metadata.namespace, object.metadata.name), object);
    this.emit({ rv: this.rv, type, plural, namespace: object.metadata.namespace, object: clone(object) });
    return clone(object);
  }

  private emit(event: StoredEvent): void {
    this.history.push(event);
    for (const listener of this.listeners) listener(event);
  }
}

export type LabelSelector = (labels: Readonly<Record<string, string>>) => boolean;

/** `a=b,c!=d,e` (equality, inequality, existence): what the pool manager sends. */
export function parseLabelSelector(text: string | null): LabelSelector {
  const terms = (text ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
  return (labels) => terms.every((term) => {
    const ne = term.split('!=');
    if (ne.length === 2) return labels[ne[0] ?? ''] !== ne[1];
    const eq = term.split(/==?/);
    if (eq.length === 2) return labels[eq[0] ?? ''] === eq[1];
    return term in labels;
  });
}

type Json = { [key: string]: unknown };

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pick(value: unknown, keys: readonly string[]): Json {
  const out: Json = {};
  if (isObject(value)) for (const k of keys) if (value[k] !== undefined) out[k] = value[k];
  return out;
}

/** Paths of the leaves (lists count as leaves: replaced whole). */
function leafPaths(value: Json, prefix: string[] = []): string[][] {
  return Object.entries(value).flatMap(([k, v]) => (isObject(v) && Object.keys(v).length > 0 ? leafPaths(v, [...prefix, k]) : [[...prefix, k]]));
}

function hasPath(value: Json, path: readonly string[]): boolean {
  let node: unknown = value;
  for (const k of path) {
    if (!isObject(node) || !(k in node)) return false;
    node = node[k];
  }
  return true;
}

function deletePath(value: Json, path: readonly string[]): void {
  const parent = path.slice(0, -1).reduce<unknown>((node, k) => (isObject(node) ? node[k] : undefined), value);
  if (isObject(parent)) delete parent[path[path.length - 1] ?? ''];
}

function mergeInto(target: Json, source: Json): void {
  for (const [k, v] of Object.entries(source)) {
    const t = target[k];
    if (isObject(v) && isObject(t)) mergeInto(t, v);
    else target[k] = clone(v);
  }
}

function keyOf(plural: string, namespace: string, name: string): string {
  return `${plural}/${namespace}/${name}`;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}
