/**
 * The pool manager's view of the Kubernetes API (STYLE §3: clients behind our own small
 * interface): list, read, server-side apply, delete and watch the objects it manages, in one
 * namespace. Every failure is a `KubeApiError` (kube-errors.ts). The implementation over
 * `@kubernetes/client-node` is kube-api-client.ts; tests run it against a fake API server
 * (test/support/fake-kube-api.ts).
 */
import type { KubeApiError } from './kube-errors';
import type { KubeList, KubeObject, ManagedKind } from './kube-object';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** An ERROR event's object: a Kubernetes `Status` (410 Gone when the resourceVersion expired). */
export interface WatchStatus {
  readonly kind?: string;
  readonly code?: number;
  readonly reason?: string;
  readonly message?: string;
}

export interface WatchHandlers {
  readonly onEvent: (type: WatchEventType, object: KubeObject | WatchStatus) => void;
  /** The stream ended: by the server (no error), a dropped connection or an HTTP error. */
  readonly onDone: (error: KubeApiError | undefined) => void;
}

export interface WatchHandle {
  stop(): void;
}

export interface PoolKubeClient {
  /** The API server URL (for messages). */
  readonly server: string;
  /** The managed objects of a kind (label selector `MANAGED_SELECTOR`). */
  list(kind: ManagedKind, namespace: string): Promise<KubeList>;
  /** One object by name, undefined when there is none. */
  read(kind: ManagedKind, namespace: string, name: string): Promise<KubeObject | undefined>;
  /** Server-side apply (creates or updates) as `fieldManager` (default: this manager's), forcing ownership. */
  apply(kind: ManagedKind, manifest: KubeObject & { metadata: { namespace: string } }, fieldManager?: string): Promise<KubeObject>;
  /** Deletes one object; one that is gone already is not an error. */
  delete(kind: ManagedKind, namespace: string, name: string): Promise<void>;
  /** Watches the managed objects of a kind from `resourceVersion` (events after it). */
  watch(kind: ManagedKind, namespace: string, resourceVersion: string, handlers: WatchHandlers): Promise<WatchHandle>;
}
