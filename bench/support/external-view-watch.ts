/**
 * The external views of a set of queues, kept current from ZooKeeper watches, for the cluster
 * benchmark's waits (external-view-scan.ts): each view is read once, then again only when its
 * watch fires, as the gateway's partition directory follows them
 * (pacer/src/coordination/zk-partition-directory.ts). Observing a rebalance of thousands of queues
 * then costs one read per view written. The waits polled before: every round re-read every view not yet served (all of
 * them for a join), thousands of reads every 250 ms, and on this 2-core machine the bench process
 * and ZooKeeper spent a large share of the cores answering them while the controller and the
 * participants did the work being timed.
 *
 * A view read with its watch set is current until the watch fires; a fired watch marks the view
 * for the next `refresh()`. A view not there yet is watched for its creation.
 */
import { mapBounded } from '../../core/src/util/map-bounded';
import type { ZkClient, ZkWatcher } from '../../core/src/zookeeper/zk-client';
import { ZkCode, ZkError } from '../../core/src/zookeeper/zk-error';
import { onlineOwners } from '../../pacer/src/coordination/external-view';
import type { HelixPaths } from '../../pacer/src/coordination/helix-paths';
import { parseRecord } from '../../pacer/src/coordination/zn-record';

const READ_CONCURRENCY = 64;

/** partition → instances holding it ONLINE (per the external view; empty when it has none). */
export type QueueOwners = ReadonlyMap<string, readonly string[]>;

/** A queue's external view: its owners, and when ZooKeeper wrote it (ms; 0 when there is none). */
export interface QueueView {
  readonly owners: QueueOwners;
  readonly writtenMs: number;
}

export interface ViewSource {
  readonly zk: ZkClient;
  readonly paths: HelixPaths;
}

const NO_VIEW: QueueView = { owners: new Map(), writtenMs: 0 };

/** A queue's external view as stored now (`watcher` set on it when given); undefined when there is none. */
export async function readQueueView(source: ViewSource, queue: string, watcher?: ZkWatcher): Promise<QueueView | undefined> {
  try {
    const { data, stat } = await source.zk.get(source.paths.externalView(queue), watcher);
    return { owners: onlineOwners(parseRecord(data, queue)), writtenMs: stat.mtimeMs };
  } catch (e) {
    if (ZkError.is(e, ZkCode.NO_NODE)) return undefined;
    throw e;
  }
}

export class ExternalViewWatch {
  private readonly views = new Map<string, QueueView>();
  private readonly stale: Set<string>;
  /** One watcher per queue, so a view watched again does not pile up watchers (node-zk-client.ts). */
  private readonly watchers = new Map<string, ZkWatcher>();
  private wake: (() => void) | undefined;
  private reads = 0;

  constructor(private readonly source: ViewSource, readonly queues: readonly string[]) {
    this.stale = new Set(queues);
  }

  /** Reads every view whose watch fired since the last call (every view on the first), each with its watch set again. */
  async refresh(): Promise<ReadonlyMap<string, QueueView>> {
    while (this.stale.size > 0) {
      const due = [...this.stale];
      this.stale.clear();
      await mapBounded(due, READ_CONCURRENCY, async (q) => {
        this.views.set(q, await this.read(q));
      });
    }
    return this.views;
  }

  /** Resolves when a watched view changes (at once if one has since the last refresh), or after `timeoutMs`. */
  changed(timeoutMs: number): Promise<void> {
    if (this.stale.size > 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.wake = done;
    });
  }

  /** Reads of views made so far (the observer's own cost, printed by the bench). */
  readCount(): number {
    return this.reads;
  }

  private watcherOf(queue: string): ZkWatcher {
    let w = this.watchers.get(queue);
    if (w === undefined) {
      w = () => {
        this.stale.add(queue);
        this.wake?.();
      };
      this.watchers.set(queue, w);
    }
    return w;
  }

  private async read(queue: string): Promise<QueueView> {
    const watcher = this.watcherOf(queue);
    this.reads += 1;
    const view = await readQueueView(this.source, queue, watcher);
    if (view !== undefined) return view;
    // No view yet: watch for its creation (created in between: read it on the next refresh).
    if ((await this.source.zk.exists(this.source.paths.externalView(queue), watcher)) !== null) this.stale.add(queue);
    return NO_VIEW;
  }
}
