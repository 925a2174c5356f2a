/**
 * The contract between the jest test environment (test/support/namespace-environment.ts, outside
 * the test's VM context) and code running inside a test file (test/support/namespace-keeper.ts).
 * Only jest-circus knows whether a test failed; the environment sees its events and publishes this
 * small object on the test file's global, so a fixture's cleanup can ask "did the test or suite I
 * am cleaning up after fail?" and add a line to that failure.
 */

/** Key of the object on the test file's `globalThis`. */
export const TEST_OUTCOME_KEY = '__pinlaterTestOutcome';

export interface TestOutcome {
  /**
   * Whether the scope whose code runs now has failed so far: the current test when called from a
   * test or a beforeEach/afterEach hook; every test and hook below the hook's describe block when
   * called from a beforeAll/afterAll hook; `false` outside tests and hooks.
   */
  scopeFailed(): boolean;
  /** Adds `message` to the failure output of that scope (the failed test, else the file). */
  report(message: string): void;
}

/** The environment's object, or `undefined` when the file runs under another test environment. */
export function testOutcome(): TestOutcome | undefined {
  return (globalThis as Record<string, unknown>)[TEST_OUTCOME_KEY] as TestOutcome | undefined;
}
