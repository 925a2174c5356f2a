/**
 * What the pool manager may do in its namespace, and nothing more: the rules of the Role its
 * ServiceAccount needs (the deployment manifests' Role, docs/worker-pools.md "RBAC"). A 403 names
 * the rule that was missing (kube-errors.ts).
 *
 * Server-side apply of an object that does not exist yet creates it, so it needs `create` as well
 * as `patch`. ScaledObjects: applied with `--keda`; without it the manager only lists and deletes
 * the ones it left behind (it goes on without them when it may not).
 */
import type { KindInfo, ManagedKind } from './kube-object';
import { KINDS } from './kube-object';

export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

const VERBS: Readonly<Record<ManagedKind, readonly string[]>> = {
  Deployment: ['get', 'list', 'watch', 'create', 'patch', 'delete'],
  ScaledObject: ['get', 'list', 'create', 'patch', 'delete'],
};

/** The Role's rules, one per kind the manager handles. */
export const POOL_MANAGER_RULES: readonly PolicyRule[] = (Object.keys(VERBS) as ManagedKind[]).map((kind) => ({
  apiGroups: [KINDS[kind].group],
  resources: [KINDS[kind].plural],
  verbs: VERBS[kind],
}));

/** `get, list, watch, create, patch, delete on deployments (apiGroup apps)`. */
export function describeRule(info: KindInfo): string {
  return `${VERBS[info.kind].join(', ')} on ${info.plural} (apiGroup ${info.group})`;
}
