/**
 * `PoolKubeClient` over `@kubernetes/client-node` 1.4: the generic group/version/plural endpoints
 * (`CustomObjectsApi`) for both kinds, so Deployments and ScaledObjects take one code path and
 * come back as the plain JSON the server sent (pool-manager-diff.ts compares it with the
 * manifests); `Watch` for the event stream. Applies are server-side applies
 * (`PatchStrategy.ServerSideApply`, `fieldManager` pinlater-pool-manager, `force`: the manager
 * is the one controller of these fields and takes them back after a hand edit). Every failure
 * leaves as a `KubeApiError` (kube-errors.ts).
 */
import { CustomObjectsApi, Observable, PatchStrategy, Watch, setHeaderOptions } from '@kubernetes/client-node';
import type { ConfigurationOptions, KubeConfig, ObservableMiddleware, RequestContext, ResponseContext } from '@kubernetes/client-node';
import type { PoolKubeClient, WatchEventType, WatchHandle, WatchHandlers } from './kube-client';
import { toKubeApiError, type KubeOperation, type KubeVerb } from './kube-errors';
import { FIELD_MANAGER, MANAGED_SELECTOR } from './kube-labels';
import { KINDS, type KubeList, type KubeObject, type ManagedKind } from './kube-object';

/** The server ends a watch after this long (the manager resumes it from the last resourceVersion). */
const WATCH_TIMEOUT_SECONDS = 300;
/** A request (not a watch) the server has not answered in this long is abandoned (a pass never hangs). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export class KubeApiClient implements PoolKubeClient {
  readonly server: string;
  private readonly api: CustomObjectsApi;
  private readonly watcher: Watch;
  private readonly options: ConfigurationOptions<ObservableMiddleware>;

  constructor(config: KubeConfig, requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS) {
    this.server = config.getCurrentCluster()?.server ?? '(no current cluster)';
    this.api = config.makeApiClient(CustomObjectsApi);
    this.watcher = new Watch(config);
    this.options = { middleware: [timeoutMiddleware(requestTimeoutMs)], middlewareMergeStrategy: 'append' };
  }

  async list(kind: ManagedKind, namespace: string): Promise<KubeList> {
    const body = await this.call('list', kind, namespace, undefined, () =>
      this.api.listNamespacedCustomObject({ ...coordinates(kind), namespace, labelSelector: MANAGED_SELECTOR }, this.options) as Promise<{ items?: KubeObject[]; metadata?: { resourceVersion?: string } }>);
    return { items: body.items ?? [], resourceVersion: body.metadata?.resourceVersion ?? '' };
  }

  async read(kind: ManagedKind, namespace: string, name: string): Promise<KubeObject | undefined> {
    try {
      return await this.call('get', kind, namespace, name, () => this.api.getNamespacedCustomObject({ ...coordinates(kind), namespace, name }, this.options) as Promise<KubeObject>);
    } catch (e) {
      if ((e as { kind?: unknown }).kind === 'not-found') return undefined;
      throw e;
    }
  }

  apply(kind: ManagedKind, manifest: KubeObject & { metadata: { namespace: string } }, fieldManager = FIELD_MANAGER): Promise<KubeObject> {
    const { namespace, name } = manifest.metadata;
    return this.call('patch', kind, namespace, name, () => this.api.patchNamespacedCustomObject(
      { ...coordinates(kind), namespace, name, body: manifest, fieldManager, force: true },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply, this.options),
    ) as Promise<KubeObject>);
  }

  async delete(kind: ManagedKind, namespace: string, name: string): Promise<void> {
    try {
      await this.call('delete', kind, namespace, name, () => this.api.deleteNamespacedCustomObject({ ...coordinates(kind), namespace, name, propagationPolicy: 'Background' }, this.options) as Promise<unknown>);
    } catch (e) {
      if ((e as { kind?: unknown }).kind !== 'not-found') throw e;
    }
  }

  async watch(kind: ManagedKind, namespace: string, resourceVersion: string, handlers: WatchHandlers): Promise<WatchHandle> {
    const info = KINDS[kind];
    const op: KubeOperation = { verb: 'watch', kind: info, namespace };
    const path = `/apis/${info.group}/${info.version}/namespaces/${encodeURIComponent(namespace)}/${info.plural}`;
    const params = { labelSelector: MANAGED_SELECTOR, resourceVersion, allowWatchBookmarks: true, timeoutSeconds: WATCH_TIMEOUT_SECONDS };
    let stopped = false;
    const controller = await this.watcher.watch(
      path,
      params,
      (type: string, object: unknown) => {
        if (!stopped) handlers.onEvent(type as WatchEventType, object as KubeObject);
      },
      (error: unknown) => {
        if (stopped) return;
        stopped = true;
        handlers.onDone(error === null || error === undefined ? undefined : toKubeApiError(error, op, this.server));
      },
    );
    return {
      stop: () => {
        stopped = true;
        controller.abort();
      },
    };
  }

  private async call<T>(verb: KubeVerb, kind: ManagedKind, namespace: string, name: string | undefined, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (e) {
      throw toKubeApiError(e, { verb, kind: KINDS[kind], namespace, ...(name === undefined ? {} : { name }) }, this.server);
    }
  }
}

function coordinates(kind: ManagedKind): { group: string; version: string; plural: string } {
  const { group, version, plural } = KINDS[kind];
  return { group, version, plural };
}

/** Aborts a request the server has not answered within `timeoutMs` (node-fetch then fails with an AbortError). */
function timeoutMiddleware(timeoutMs: number): ObservableMiddleware {
  return {
    pre: (context: RequestContext) => {
      context.setSignal(AbortSignal.timeout(timeoutMs));
      return new Observable(Promise.resolve(context));
    },
    post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
  };
}
