/**
 * Resources a profile shares between the describe blocks of one test file (jest gives every test
 * file its own module registry, so this module's state is per file). A profile's `create` runs in
 * a block's beforeAll, where it cannot register hooks of its own: it hands the shared resource's
 * cleanup to `atFileEnd`, and `describeConformance`'s file-level afterAll runs every such cleanup,
 * newest first, before the file's leak check. Being file-level, a release through
 * `releaseNamespace` there keeps the namespace when any test of the file failed.
 */

const cleanups: Array<() => Promise<void>> = [];

/** Runs `cleanup` after the file's last conformance block, before its leak check. */
export function atFileEnd(cleanup: () => Promise<void>): void {
  cleanups.push(cleanup);
}

/** Runs every registered cleanup, newest first, even when one fails; rethrows the first failure. */
export async function runFileEndCleanups(): Promise<void> {
  const errors: unknown[] = [];
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((e: unknown) => errors.push(e));
  if (errors.length > 0) throw errors[0];
}
