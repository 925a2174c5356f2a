/**
 * Cleanup steps a benchmark must run however it ends: normally (its `finally`), on an error, or on
 * SIGINT/SIGTERM. A Ctrl-C during a multi-minute run must not leave git worktrees, gateway
 * processes, Redis keys or databases behind on the shared services. Benchmarks only.
 *
 *   const teardown = new Teardown();
 *   teardown.exitOnSignals();
 *   const release = teardown.track(() => stopProcess(child));
 *   try { … } finally { await release(); }
 */
export type TeardownStep = () => Promise<void> | void;

export class Teardown {
  private readonly pending = new Map<number, TeardownStep>();
  /** Steps under way: a second caller (the signal handler, a release) waits for the same run. */
  private readonly running = new Map<number, Promise<void>>();
  private nextId = 0;
  private signal: NodeJS.Signals | undefined;

  /** The signal being handled, if any: the run is being torn down, its errors are expected. */
  get signalled(): NodeJS.Signals | undefined {
    return this.signal;
  }

  /**
   * Runs a benchmark's `main`: a failure is printed and sets exit code 1, unless a signal is being
   * handled (then the signal handler cleans up and exits, and the failure is expected).
   */
  runMain(main: () => Promise<void>): void {
    main().catch((e: unknown) => {
      if (this.signal !== undefined) return;
      process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    });
  }

  /**
   * Registers a step; the returned function runs it (once, whichever of it and `runAll` comes
   * first; a later caller waits for that run) and unregisters it.
   */
  track(step: TeardownStep): () => Promise<void> {
    const id = this.nextId++;
    this.pending.set(id, step);
    // Registered while a signal is being handled (the run went on for a moment): undo it now.
    if (this.signal !== undefined) this.run(id).catch(() => undefined);
    return () => this.run(id);
  }

  /**
   * Runs every registered step, newest first, and waits for steps another caller started; one
   * failing step does not stop the others.
   */
  async runAll(): Promise<void> {
    for (const id of [...this.pending.keys(), ...this.running.keys()].sort((a, b) => b - a)) {
      try {
        await this.run(id);
      } catch (e) {
        process.stderr.write(`teardown step failed: ${e instanceof Error ? e.message : String(e)}\n`);
      }
    }
  }

  private run(id: number): Promise<void> {
    const under = this.running.get(id);
    if (under !== undefined) return under;
    const step = this.pending.get(id);
    if (step === undefined) return Promise.resolve();
    this.pending.delete(id);
    const done = Promise.resolve().then(step);
    this.running.set(id, done);
    const forget = (): void => void this.running.delete(id);
    done.then(forget, forget);
    return done;
  }

  /**
   * On SIGINT/SIGTERM: run every step, then exit 130/143 (the shell's convention). Further signals
   * are ignored while cleaning up: the tsx CLI re-sends a signal its child did not acknowledge
   * quickly enough (30 ms, easily missed on a loaded machine), and without a listener that second
   * signal would end the process halfway through the cleanup.
   */
  exitOnSignals(): void {
    const codes: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };
    for (const [signal, code] of Object.entries(codes) as [NodeJS.Signals, number][]) {
      process.on(signal, () => {
        if (this.signal !== undefined) return;
        this.signal = signal;
        process.stderr.write(`\n${signal}: cleaning up\n`);
        this.runAll().then(() => process.exit(code), () => process.exit(code));
      });
    }
  }
}
