/**
 * Watch-driven re-reads of single ZooKeeper nodes, for the caches of cluster data (the controller's
 * `cluster-data-cache.ts`, the gateway's `zk-partition-directory.ts`): `watch(kind, path, task)`
 * is the one watcher of that (kind, path) — ZooKeeper watches are one-shot, so the task re-reads
 * the node and passes the same watcher again — and a fired watch queues its task (once, however
 * often it fires) and tells `onFired`. The owner takes the queued tasks when it refreshes.
 */
import type { ZkWatcher } from '../../../core/src/zookeeper/zk-client';

/** `data`: a node's data or existence; `children`: its list of children. */
export type WatchKind = 'data' | 'children';

export class NodeRefreshQueue<Task> {
  private readonly queued = new Map<string, Task>();
  private readonly watchers = new Map<string, ZkWatcher>();

  constructor(private readonly onFired: () => void) {}

  /** The watcher of (kind, path): when it fires, `task` is queued. */
  watch(kind: WatchKind, path: string, task: Task): ZkWatcher {
    const key = keyOf(kind, path);
    let w = this.watchers.get(key);
    if (!w) {
      w = () => {
        this.queued.set(key, task);
        this.onFired();
      };
      this.watchers.set(key, w);
    }
    return w;
  }

  get size(): number {
    return this.queued.size;
  }

  /** The queued tasks, removed from the queue. */
  take(): Task[] {
    const tasks = [...this.queued.values()];
    this.queued.clear();
    return tasks;
  }

  /** Forgets a queued re-read (the caller is reading that node now, so it is redundant). */
  drop(kind: WatchKind, path: string): void {
    this.queued.delete(keyOf(kind, path));
  }

  /**
   * Before a whole read: forgets queued tasks (what fires from now on is queued again) and the
   * watchers of nodes that may be gone (a watch already set still fires once: harmless).
   */
  reset(): void {
    this.queued.clear();
    this.watchers.clear();
  }
}

function keyOf(kind: WatchKind, path: string): string {
  return `${kind}\u0000${path}`;
}
