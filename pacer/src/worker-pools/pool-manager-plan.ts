/**
 * One reconcile pass as data: from the pool specs, the replicas decided for them, and the managed
 * objects the API server holds, the action per object: create, update (with the changed fields),
 * scale (replicas from → to, nothing else changed), delete (a managed object whose pool has no
 * spec any more, or a ScaledObject left over when the manager scales pools itself), unchanged.
 * Pure: the manager applies the plan, `--dry-run` prints it (pool-manager-plan-format.ts).
 *
 * Replicas: the autoscaler's decision. With KEDA (`keda` set) the Deployment manifest never has
 * `replicas` (KEDA's HPA owns them): a new one carries `initialReplicas` = minReplicas, applied
 * apart under its own field manager (pool-manager-apply.ts).
 */
import { deploymentManifest } from './deployment-manifest';
import { isManaged, QUEUE_ANNOTATION } from './kube-labels';
import type { KubeObject, ManagedKind } from './kube-object';
import { changedFields, REPLICAS_FIELD, type FieldChange } from './pool-manager-diff';
import { poolName } from './pool-name';
import type { PoolSpec } from './pool-spec';
import { scaledObjectManifest } from './scaled-object';

export type ApplyManifest = KubeObject & { readonly metadata: { readonly namespace: string } };

interface ActionBase {
  readonly object: ManagedKind;
  readonly namespace: string;
  readonly name: string;
  /** The queue (from the spec, or the object's annotation for a delete). */
  readonly queue: string | undefined;
}

export type PlanAction =
  | (ActionBase & { readonly kind: 'create'; readonly manifest: ApplyManifest; readonly initialReplicas?: number })
  | (ActionBase & { readonly kind: 'update'; readonly manifest: ApplyManifest; readonly changes: readonly FieldChange[] })
  | (ActionBase & { readonly kind: 'scale'; readonly manifest: ApplyManifest; readonly from: number | undefined; readonly to: number })
  | (ActionBase & { readonly kind: 'delete'; readonly reason: string })
  | (ActionBase & { readonly kind: 'unchanged'; readonly manifest: ApplyManifest });

export interface PlanOptions {
  readonly namespace: string;
  readonly gateway: string;
  readonly terminationGracePeriodSeconds: number;
  /** Set: the KEDA route, ScaledObjects polling this gateway admin base URL. */
  readonly keda: { readonly backlogBase: string } | undefined;
}

export interface PlanInput {
  readonly specs: readonly PoolSpec[];
  /** Decided replicas by queue (the autoscaler's); a queue without one gets minReplicas. */
  readonly replicas: ReadonlyMap<string, number>;
  /** The managed Deployments the server holds. */
  readonly deployments: readonly KubeObject[];
  /** The managed ScaledObjects the server holds; undefined when they cannot be listed (no KEDA). */
  readonly scaledObjects: readonly KubeObject[] | undefined;
  readonly options: PlanOptions;
}

export function planPools(input: PlanInput): PlanAction[] {
  const specs = [...input.specs].sort((a, b) => a.queue.localeCompare(b.queue));
  const deployments = byName(input.deployments);
  const scaledObjects = byName(input.scaledObjects ?? []);
  const actions: PlanAction[] = [];
  for (const spec of specs) {
    actions.push(deploymentAction(spec, deployments.get(poolName(spec.queue)), input));
    if (input.options.keda !== undefined) {
      const manifest = scaledObjectManifest(spec, { namespace: input.options.namespace, backlogBase: input.options.keda.backlogBase });
      actions.push(applyAction('ScaledObject', spec.queue, manifest, scaledObjects.get(manifest.metadata.name)));
    }
  }
  const wanted = new Set(specs.map((s) => poolName(s.queue)));
  const { namespace } = input.options;
  actions.push(...deletions('Deployment', namespace, deployments, wanted, 'no pool spec for it'));
  const keptScaledObjects = input.options.keda === undefined ? new Set<string>() : wanted;
  const why = input.options.keda === undefined ? 'the pool manager scales the pools itself (no --keda)' : 'no pool spec for it';
  actions.push(...deletions('ScaledObject', namespace, scaledObjects, keptScaledObjects, why));
  return actions;
}

/** Whether a plan changes anything. */
export function planChanges(actions: readonly PlanAction[]): boolean {
  return actions.some((a) => a.kind !== 'unchanged');
}

function deploymentAction(spec: PoolSpec, observed: KubeObject | undefined, input: PlanInput): PlanAction {
  const { options } = input;
  const replicas = options.keda === undefined ? input.replicas.get(spec.queue) ?? spec.minReplicas : undefined;
  const manifest = deploymentManifest(spec, { namespace: options.namespace, gateway: options.gateway, terminationGracePeriodSeconds: options.terminationGracePeriodSeconds, replicas });
  const action = applyAction('Deployment', spec.queue, manifest, observed);
  return action.kind === 'create' && options.keda !== undefined ? { ...action, initialReplicas: spec.minReplicas } : action;
}

function applyAction(object: ManagedKind, queue: string, manifest: ApplyManifest, observed: KubeObject | undefined): PlanAction {
  const base = { object, namespace: manifest.metadata.namespace, name: manifest.metadata.name, queue };
  if (observed === undefined) return { kind: 'create', ...base, manifest };
  const changes = changedFields(manifest, observed);
  if (changes.length === 0) return { kind: 'unchanged', ...base, manifest };
  const [only] = changes;
  if (changes.length === 1 && only?.field === REPLICAS_FIELD && only.to !== undefined) {
    return { kind: 'scale', ...base, manifest, from: only.from === undefined ? undefined : Number(only.from), to: Number(only.to) };
  }
  return { kind: 'update', ...base, manifest, changes };
}

function deletions(object: ManagedKind, namespace: string, observed: ReadonlyMap<string, KubeObject>, keep: ReadonlySet<string>, reason: string): PlanAction[] {
  const out: PlanAction[] = [];
  for (const [name, o] of [...observed].sort(([a], [b]) => a.localeCompare(b))) {
    // Listed by the managed-by selector already; checked again so nothing else is ever deleted.
    if (keep.has(name) || !isManaged(o.metadata.labels)) continue;
    out.push({ kind: 'delete', object, namespace, name, queue: o.metadata.annotations?.[QUEUE_ANNOTATION], reason });
  }
  return out;
}

function byName(objects: readonly KubeObject[]): Map<string, KubeObject> {
  return new Map(objects.map((o) => [o.metadata.name, o]));
}
