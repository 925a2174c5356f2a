/**
 * Where the pool manager's Kubernetes credentials come from, decided once by its configuration
 * (pool-manager-config.ts): `--kubeconfig <file>`; else in-cluster (the pod's ServiceAccount,
 * when running in a pod); else `KubeConfig.loadFromDefault()` (KUBECONFIG, then ~/.kube/config).
 * A file that cannot be read, or a config without a current cluster, is a clear error.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { coerceError } from '../../../core/src/errors/coerce-error';

export type KubeConfigSource =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'in-cluster' }
  | { readonly kind: 'default' };

export class KubeConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KubeConfigError';
  }
}

export function loadKubeConfig(source: KubeConfigSource): KubeConfig {
  const config = new KubeConfig();
  try {
    if (source.kind === 'file') config.loadFromFile(source.path);
    else if (source.kind === 'in-cluster') config.loadFromCluster();
    else config.loadFromDefault();
  } catch (e) {
    throw new KubeConfigError(`cannot load the Kubernetes credentials (${describeSource(source)}): ${coerceError(e).message}`, { cause: e });
  }
  if (config.getCurrentCluster() === null) {
    throw new KubeConfigError(`the Kubernetes credentials (${describeSource(source)}) name no current cluster (current-context "${config.getCurrentContext()}")`);
  }
  return config;
}

export function describeSource(source: KubeConfigSource): string {
  if (source.kind === 'file') return `kubeconfig ${source.path}`;
  if (source.kind === 'in-cluster') return "the pod's ServiceAccount (in-cluster)";
  return 'KUBECONFIG or ~/.kube/config';
}
