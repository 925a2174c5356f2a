/**
 * How the worker's dequeue loop waits: `sleep(ms)` ends after `ms`, or as soon as `wake()` is
 * called (a job finished and freed a slot, or `close()` began). A `wake()` while the loop is not
 * sleeping is kept, so the next `sleep` returns at once: no wake-up is lost between a check and
 * the sleep that follows it.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export class LoopWakeup {
  private pending = false;
  private current: AbortController | undefined;

  wake(): void {
    this.pending = true;
    this.current?.abort();
  }

  async sleep(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return;
    }
    const controller = new AbortController();
    this.current = controller;
    try {
      await sleep(ms, undefined, { signal: controller.signal });
    } catch {
      // woken early
    } finally {
      this.current = undefined;
      this.pending = false;
    }
  }
}
