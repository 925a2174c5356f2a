/**
 * A plan as text, what `--dry-run` prints (one line per object, the changed fields indented):
 *
 *   create Deployment pw-thumbnails-1a2b3c4d (queue thumbnails): replicas 2, image registry.example.com/thumbs:1.4
 *   update Deployment pw-mail-9f8e7d6c (queue mail):
 *       spec.template.spec.containers[worker].image: "mail:1" → "mail:2"
 *   scale Deployment pw-search-0a1b2c3d (queue search): 3 → 5
 *   delete Deployment pw-old-12345678 (queue old): no pool spec for it
 *   unchanged Deployment pw-x-87654321 (queue x)
 *   4 change(s): 1 create, 1 update, 1 scale, 1 delete; 1 unchanged
 *
 * With `manifests` (what `--dry-run` prints), each object to create is followed by its whole
 * manifest, as JSON indented under its line, so a reviewer sees exactly what would be applied.
 */
import type { FieldChange } from './pool-manager-diff';
import type { PlanAction } from './pool-manager-plan';

const KINDS_IN_ORDER = ['create', 'update', 'scale', 'delete'] as const;

export function formatPlan(actions: readonly PlanAction[], options: { manifests?: boolean } = {}): string {
  const lines = actions.flatMap((a) => [...formatAction(a), ...(options.manifests === true && a.kind === 'create' ? indented(a.manifest) : [])]);
  lines.push(summary(actions));
  return `${lines.join('\n')}\n`;
}

function formatAction(action: PlanAction): string[] {
  const head = `${action.kind} ${action.object} ${action.name}${action.queue === undefined ? '' : ` (queue ${action.queue})`}`;
  switch (action.kind) {
    case 'create':
      return [`${head}: ${createSummary(action.manifest, action.initialReplicas)}`];
    case 'update':
      return [`${head}:`, ...action.changes.map((c) => `    ${formatChange(c)}`)];
    case 'scale':
      return [`${head}: ${action.from ?? '(unset)'} → ${action.to}`];
    case 'delete':
      return [`${head}: ${action.reason}`];
    case 'unchanged':
      return [head];
  }
}

function createSummary(manifest: { spec?: unknown }, initialReplicas: number | undefined): string {
  const spec = (manifest.spec ?? {}) as {
    replicas?: number; minReplicaCount?: number; maxReplicaCount?: number;
    template?: { spec?: { containers?: { image?: string }[] } };
    triggers?: { metadata?: Record<string, string> }[];
  };
  const trigger = spec.triggers?.[0]?.metadata;
  if (trigger !== undefined) {
    return `replicas ${spec.minReplicaCount ?? '?'}..${spec.maxReplicaCount ?? '?'}, ${trigger.targetValue ?? '?'} ready jobs per replica from ${trigger.url ?? '?'}`;
  }
  const replicas = initialReplicas === undefined ? `replicas ${spec.replicas ?? '(unset)'}` : `replicas ${initialReplicas} at first (then KEDA's)`;
  return `${replicas}, image ${spec.template?.spec?.containers?.[0]?.image ?? '?'}`;
}

function indented(manifest: object): string[] {
  return JSON.stringify(manifest, null, 2).split('\n').map((line) => `    ${line}`);
}

function formatChange(change: FieldChange): string {
  return `${change.field}: ${change.from ?? '(unset)'} → ${change.to ?? '(removed)'}`;
}

function summary(actions: readonly PlanAction[]): string {
  const count = (kind: PlanAction['kind']): number => actions.filter((a) => a.kind === kind).length;
  const changes = KINDS_IN_ORDER.reduce((n, k) => n + count(k), 0);
  const parts = KINDS_IN_ORDER.filter((k) => count(k) > 0).map((k) => `${count(k)} ${k}`);
  return `${changes} change(s)${parts.length > 0 ? `: ${parts.join(', ')}` : ''}; ${count('unchanged')} unchanged`;
}
