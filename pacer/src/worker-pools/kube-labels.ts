/**
 * The labels and annotation by which the pool manager marks the Kubernetes objects it owns
 * (Deployments and KEDA ScaledObjects), and the field manager name of its server-side applies.
 * The manager lists, watches and deletes only objects carrying `MANAGED_BY_LABEL`; the exact
 * queue travels in `QUEUE_ANNOTATION` (the object name is a lossy, hashed form: pool-name.ts).
 */

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'pinlater-pool-manager';
export const COMPONENT_LABEL = 'app.kubernetes.io/component';
export const COMPONENT_VALUE = 'worker';
export const POOL_LABEL = 'pinlater.io/pool';
export const QUEUE_ANNOTATION = 'pinlater.io/queue';

/** The label selector of every list and watch: only what this manager created. */
export const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;

/** `fieldManager` of the server-side applies (who owns the fields, in `metadata.managedFields`). */
export const FIELD_MANAGER = 'pinlater-pool-manager';
/**
 * With KEDA, the field manager that sets a new Deployment's first `replicas` and nothing else:
 * the manager's own applies never carry `replicas`, so they never remove or reset them, and
 * KEDA's HPA takes the field over from this one.
 */
export const INITIAL_REPLICAS_FIELD_MANAGER = 'pinlater-pool-manager-initial-replicas';

/** The labels of a pool's objects (and its pods: the Deployment's selector is `POOL_LABEL` alone). */
export function poolLabels(pool: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [COMPONENT_LABEL]: COMPONENT_VALUE, [POOL_LABEL]: pool };
}

/** Whether an object (its labels, as read from the API server) is one this manager owns. */
export function isManaged(labels: Readonly<Record<string, string>> | undefined): boolean {
  return labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}
