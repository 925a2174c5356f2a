/**
 * The jest test environment of every project (jest.config.js `testEnvironment`): Node's own, plus
 * the outcome of the running test or suite for test/support/namespace-keeper.ts, so a namespace on
 * a real service (database, Redis keys, ZooKeeper chroot) is kept when the test or suite that used
 * it failed, and named in that failure (pg-boss's "drop only on pass", STYLE.md §9).
 *
 * Why an environment: only jest-circus knows whether a test failed, and it tells the environment
 * (`handleTestEvent`) before the afterEach/afterAll hooks that clean up run. The environment lives
 * outside the test file's VM context, so it publishes a small `TestOutcome` object on the file's
 * global (test/support/test-outcome.ts).
 */
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import type { Circus } from '@jest/types';
import { TestEnvironment } from 'jest-environment-node';
import { TEST_OUTCOME_KEY, type TestOutcome } from './test-outcome';

export default class NamespaceEnvironment extends TestEnvironment {
  private state: Circus.State | undefined;
  /** The hook running now, if any. */
  private hook: Circus.Hook | undefined;
  /** Describe blocks one of whose beforeAll/afterAll hooks failed. */
  private readonly failedBlocks = new Set<Circus.DescribeBlock>();

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    const outcome: TestOutcome = { scopeFailed: () => this.scopeFailed(), report: (message) => this.report(message) };
    (this.global as unknown as Record<string, unknown>)[TEST_OUTCOME_KEY] = outcome;
  }

  handleTestEvent(event: Circus.Event, state: Circus.State): void {
    this.state = state;
    if (event.name === 'hook_start') this.hook = event.hook;
    if (event.name === 'hook_success' || event.name === 'hook_failure') this.hook = undefined;
    if (event.name === 'hook_failure' && isAllHook(event.hook)) this.failedBlocks.add(event.hook.parent);
  }

  private scopeFailed(): boolean {
    if (this.hook !== undefined && isAllHook(this.hook)) return this.blockFailed(this.hook.parent);
    const test = this.state?.currentlyRunningTest;
    return test != null && test.errors.length > 0;
  }

  /** A failed test or beforeAll/afterAll hook below `block`, or (for the file) an error outside any test. */
  private blockFailed(block: Circus.DescribeBlock): boolean {
    if (this.failedBlocks.has(block)) return true;
    if (block.parent === undefined && (this.state?.unhandledErrors.length ?? 0) > 0) return true;
    return block.children.some((child) => (child.type === 'test' ? child.errors.length > 0 : this.blockFailed(child)));
  }

  /**
   * Appends the message to the failed test it belongs to (the current one, or the first failed test
   * of the hook's block); jest prints it under that test. Failures of afterAll hooks are file-level
   * errors in jest-circus, so a namespace kept for one of those is reported at file level too.
   */
  private report(message: string): void {
    const notice = new Error(message);
    notice.stack = message;
    const failedTest = this.hook !== undefined && isAllHook(this.hook)
      ? firstFailedTest(this.hook.parent)
      : this.state?.currentlyRunningTest ?? undefined;
    if (failedTest !== undefined) failedTest.errors.push(notice);
    else this.state?.unhandledErrors.push(notice);
  }
}

function isAllHook(hook: Circus.Hook): boolean {
  return hook.type === 'beforeAll' || hook.type === 'afterAll';
}

function firstFailedTest(block: Circus.DescribeBlock): Circus.TestEntry | undefined {
  for (const child of block.children) {
    const found = child.type === 'test' ? (child.errors.length > 0 ? child : undefined) : firstFailedTest(child);
    if (found !== undefined) return found;
  }
  return undefined;
}
