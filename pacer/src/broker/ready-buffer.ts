import type { BufferedJob } from '../datastore/broker-store';

/**
 * The buffered pending jobs of one partition and priority, in serving order: run-after, then id
 * (id = enqueue order). Pure data structure; the broker keeps one per (partition, priority).
 */
export class ReadyBuffer {
  private items: BufferedJob[] = [];
  private readonly ids = new Set<number>();

  get size(): number {
    return this.items.length;
  }

  has(id: number): boolean {
    return this.ids.has(id);
  }

  /** Adds jobs not already buffered, each at its place in serving order. */
  add(jobs: BufferedJob[]): number {
    let added = 0;
    for (const job of jobs) {
      if (this.ids.has(job.id)) continue;
      this.items.splice(this.insertionIndex(job), 0, job);
      this.ids.add(job.id);
      added += 1;
    }
    return added;
  }

  /** Removes and returns up to `n` jobs from the head that are ready at `nowMs`. */
  takeReady(nowMs: number, n: number): BufferedJob[] {
    let k = 0;
    while (k < n && k < this.items.length && (this.items[k] as BufferedJob).runAfterMs <= nowMs) k += 1;
    const taken = this.items.splice(0, k);
    for (const job of taken) this.ids.delete(job.id);
    return taken;
  }

  readyCount(nowMs: number): number {
    let k = 0;
    while (k < this.items.length && (this.items[k] as BufferedJob).runAfterMs <= nowMs) k += 1;
    return k;
  }

  clear(): void {
    this.items = [];
    this.ids.clear();
  }

  private insertionIndex(job: BufferedJob): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.items[mid] as BufferedJob, job)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function before(a: BufferedJob, b: BufferedJob): boolean {
  return a.runAfterMs < b.runAfterMs || (a.runAfterMs === b.runAfterMs && a.id < b.id);
}
