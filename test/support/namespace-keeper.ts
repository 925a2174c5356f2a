/**
 * The one way a fixture removes its namespace on a real service (a database, a Redis key prefix,
 * a ZooKeeper chroot): through `releaseNamespace`, which removes it when the test or suite that
 * used it passed, and KEEPS it when that test or suite failed, naming it and how to inspect it in
 * the failure output (pg-boss's "drop only on pass", STYLE.md §9):
 *
 *   afterAll(() => releaseNamespace(redisKeysNamespace(shardKeyPatterns(shard))));
 *   // a failed test of this file prints, under its error:
 *   //   Kept for inspection (the test or suite that used it failed): Redis keys plq_t4k9x2mq_* ...
 *   //     inspect: redis-cli --scan --pattern 'plq_t4k9x2mq_*'
 *
 * Which scope decides is where the release runs (test/support/namespace-environment.ts):
 * - in afterEach (or beforeEach, or the test itself): that test;
 * - in afterAll (or beforeAll): every test and hook of that describe block (the file, at top level).
 * A release inside a test body runs before jest records the test's failure, so a namespace the test
 * creates and releases itself (try/finally) is always removed: release in a hook to keep it.
 *
 * `freshDatabase`, `zkChroot` and the namespace builders of test/support/namespaces.ts go through
 * here; a fixture with another kind of namespace passes its own `TestNamespace`.
 */
import { testOutcome } from './test-outcome';

export interface TestNamespace {
  /** What it is, e.g. `MySQL database`, `Redis keys`, `ZooKeeper chroot`. */
  readonly kind: string;
  /** Its name as found on the service: database name, key pattern(s), chroot path. */
  readonly name: string;
  /** A shell command that shows what is in it, e.g. `mysql -uroot pacer_it_x1y2z3`. */
  readonly inspect: string;
  /** Deletes it from the service (idempotent: a missing namespace is not an error). */
  remove(): Promise<void>;
}

export type ReleaseOutcome = 'removed' | 'kept';

/** Removes `ns`, unless the test or suite whose cleanup is running failed: then keeps and reports it. */
export async function releaseNamespace(ns: TestNamespace): Promise<ReleaseOutcome> {
  const outcome = testOutcome();
  if (outcome === undefined || !outcome.scopeFailed()) {
    await ns.remove();
    return 'removed';
  }
  outcome.report(keptNotice(ns));
  return 'kept';
}

/** `release()` that runs `releaseNamespace(ns)` once; later calls return the first call's promise. */
export function releaseOnce(ns: TestNamespace): () => Promise<ReleaseOutcome> {
  let released: Promise<ReleaseOutcome> | undefined;
  return () => (released ??= releaseNamespace(ns));
}

/** The lines added to the failure output for a kept namespace. */
export function keptNotice(ns: TestNamespace): string {
  return [
    `Kept for inspection (the test or suite that used it failed): ${ns.kind} ${ns.name}`,
    `  inspect: ${ns.inspect}`,
    '  (remove it by hand when done; a passing run removes its own namespaces)',
  ].join('\n');
}
