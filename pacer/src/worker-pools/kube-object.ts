/**
 * The Kubernetes objects the pool manager handles, as the plain JSON the API server speaks: the
 * kinds (Deployment, KEDA ScaledObject) with their REST coordinates, and the few metadata fields
 * the manager reads. Manifests are built as these plain objects (deployment-manifest.ts,
 * scaled-object.ts) and objects read back stay plain JSON, so one diff (pool-manager-diff.ts)
 * compares them field by field.
 */

export type ManagedKind = 'Deployment' | 'ScaledObject';

export interface KindInfo {
  readonly kind: ManagedKind;
  readonly group: string;
  readonly version: string;
  /** The REST resource name (`deployments`): RBAC rules and URLs name it. */
  readonly plural: string;
}

export const KINDS: Readonly<Record<ManagedKind, KindInfo>> = {
  Deployment: { kind: 'Deployment', group: 'apps', version: 'v1', plural: 'deployments' },
  ScaledObject: { kind: 'ScaledObject', group: 'keda.sh', version: 'v1alpha1', plural: 'scaledobjects' },
};

export function apiVersionOf(info: KindInfo): string {
  return `${info.group}/${info.version}`;
}

export interface KubeObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly resourceVersion?: string;
}

/** Any object as JSON: its metadata, the rest read by path where needed. */
export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: KubeObjectMeta;
  readonly spec?: unknown;
}

/** A list answer: the items and the resourceVersion a watch resumes from. */
export interface KubeList {
  readonly items: readonly KubeObject[];
  readonly resourceVersion: string;
}
