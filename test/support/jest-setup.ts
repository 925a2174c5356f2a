/**
 * Runs in every test file's environment before its tests (jest `setupFilesAfterEnv`).
 *
 * - Loggers are silent in tests unless the caller asks otherwise
 *   (`TEST_LOG_LEVEL=debug npx jest ...`); read it through `test/support/test-env.ts`.
 * - Records the baseline of active handles used by `assertNoLeaks` (test/support/leak-check.ts).
 */
import { recordLeakBaseline } from './leak-check';

process.env.TEST_LOG_LEVEL ??= 'silent';

beforeAll(recordLeakBaseline);
