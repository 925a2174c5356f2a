import { CliFailure } from './cli-failure';

type StopSignal = 'SIGINT' | 'SIGTERM';

/**
 * SIGINT/SIGTERM for `pinlater-ops`. Outside a write, a signal stops the command at once (main.ts
 * then closes every connection). During a write (`duringWrite`: creating a queue, one routing
 * change) the signal waits: the write finishes, then the command stops before its next step. A
 * routing change is one ZooKeeper multi-op (routing-store.ts), so it is never half-done anyway;
 * this keeps a route from stopping between creating the queue on the destination and writing the
 * record, and `adopt` from stopping without saying which records it wrote.
 */
export class Interruption {
  private received: StopSignal | undefined;
  private writes = 0;
  private stopNow: ((failure: CliFailure) => void) | undefined;
  private readonly listeners = new Map<StopSignal, () => void>();

  constructor(private readonly stderr: { write(text: string): unknown }) {}

  install(): void {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const listener = (): void => this.raise(signal);
      this.listeners.set(signal, listener);
      process.on(signal, listener);
    }
  }

  uninstall(): void {
    for (const [signal, listener] of this.listeners) process.off(signal, listener);
    this.listeners.clear();
  }

  /** A stop request (a signal, or Ctrl-C at the confirmation prompt). */
  raise(signal: StopSignal): void {
    const first = this.received === undefined;
    this.received ??= signal;
    if (this.writes > 0) {
      if (first) this.stderr.write(`pinlater-ops: ${signal} received: finishing the write in progress, then stopping\n`);
      return;
    }
    this.stopNow?.(this.failure());
  }

  /** Runs `work` (a command), rejecting as soon as a stop request arrives outside a write. */
  run<T>(work: Promise<T>): Promise<T> {
    work.catch(() => undefined); // when a stop wins the race, the abandoned command's failure is expected
    if (this.received !== undefined && this.writes === 0) return Promise.reject(this.failure());
    const stopped = new Promise<never>((_, reject) => {
      this.stopNow = reject;
    });
    return Promise.race([work, stopped]);
  }

  /** Runs one write to its end even when a stop request arrives meanwhile; then honours it. */
  async duringWrite<T>(write: () => Promise<T>): Promise<T> {
    this.writes += 1;
    let result: T;
    try {
      result = await write();
    } finally {
      this.writes -= 1;
    }
    this.checkpoint();
    return result;
  }

  /** True once a stop request arrived: a write section stops at its next safe point (adopt: between queues). */
  stopRequested(): boolean {
    return this.received !== undefined;
  }

  /** Throws when a stop request arrived (between the steps of a command). */
  checkpoint(): void {
    if (this.received !== undefined && this.writes === 0) throw this.failure();
  }

  private failure(): CliFailure {
    const signal = this.received ?? 'SIGINT';
    return new CliFailure(signal === 'SIGINT' ? 'INTERRUPTED' : 'TERMINATED', `stopped by ${signal}`);
  }
}
