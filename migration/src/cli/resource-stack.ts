import { settleWithin } from '../../../core/src/util/settle-within';

/** What a command opened and must close before the process exits. */
interface Tracked {
  readonly name: string;
  readonly close: () => Promise<void>;
}

/** Each resource gets this long to close; one that hangs must not keep the operator waiting. */
const CLOSE_BOUND_MS = 5000;

/**
 * Every connection a `pinlater-ops` command opens (ZooKeeper sessions, backend pools, the prompt),
 * closed newest first when the command ends, however it ends (main.ts). A resource that fails to
 * close, or takes longer than 5 s, does not stop the others from closing.
 */
export class ResourceStack {
  private readonly tracked: Tracked[] = [];

  /** Registers `resource` under `name` and returns it. */
  track<T extends { close(): Promise<void> }>(name: string, resource: T): T {
    this.tracked.push({ name, close: () => resource.close() });
    return resource;
  }

  /** Registers a close function. */
  onClose(name: string, close: () => Promise<void> | void): void {
    this.tracked.push({ name, close: async () => close() });
  }

  /** Closes everything, newest first; `onProblem` hears of each resource that failed or hung. */
  async closeAll(onProblem: (name: string, problem: unknown) => void): Promise<void> {
    for (const { name, close } of this.tracked.splice(0).reverse()) {
      let failure: { error: unknown } | undefined;
      const closing = close().catch((error: unknown) => {
        failure = { error };
      });
      if (!(await settleWithin(closing, CLOSE_BOUND_MS))) onProblem(name, new Error(`did not close within ${CLOSE_BOUND_MS} ms`));
      else if (failure !== undefined) onProblem(name, failure.error);
    }
  }
}
