import { setTimeout as sleep } from 'node:timers/promises';
/**
 * Leak check: asserts that a test file closed every handle it opened (sockets, servers, pipes,
 * child processes, file and DNS requests). TEAM-NOTES: every resource has `close()` and tests
 * must close everything.
 *
 * Usage, in any test file that opens clients, servers or backends:
 *
 *   import { assertNoLeaks } from '../support/leak-check';
 *   afterAll(async () => { await backend.close(); });   // close first ...
 *   afterAll(assertNoLeaks);                            // ... then check (hooks run in order)
 *
 * How it works: `test/support/jest-setup.ts` (setupFilesAfterEnv) calls `recordLeakBaseline()`
 * in a root `beforeAll`, i.e. before the file's own hooks and tests. `assertNoLeaks()` compares
 * `process.getActiveResourcesInfo()` with that baseline, per resource type, and fails listing
 * what is left. Closing is often asynchronous (a socket finishes a tick after `quit()`), so it
 * re-checks for up to `settleMs` before failing.
 *
 * Only handles that keep the process alive are listed by Node: an `unref()`ed socket is not seen.
 * Timers (`Timeout`, `Immediate`) are ignored by default: jest keeps its own hook and test
 * timers, which cannot be told apart from the code's. A forgotten `setInterval` still shows up as
 * jest's "did not exit" warning; run `npx jest --detectOpenHandles <file>` to find it.
 */

export interface LeakCheckOptions {
  /** How long to wait for asynchronous closes to finish. Default 2000 ms. */
  readonly settleMs?: number;
  /** Resource types not compared. Default: `Timeout`, `Immediate`. */
  readonly ignore?: readonly string[];
}

const DEFAULT_IGNORED = ['Timeout', 'Immediate'];
const POLL_MS = 25;

let baseline: Map<string, number> | undefined;

/** Counts of the active resources, per type. */
export function activeResourceCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/** Requests (not handles) that show a socket is still opening, closing or writing. */
const IN_FLIGHT = new Set(['ConnectWrap', 'ShutdownWrap', 'SimpleShutdownWrap', 'WriteWrap', 'GetAddrInfoReqWrap']);
const BASELINE_SETTLE_MS = 1000;

function sameCounts(a: Map<string, number>, b: Map<string, number>): boolean {
  return a.size === b.size && [...a].every(([type, count]) => b.get(type) === count);
}

/**
 * Takes the snapshot `assertNoLeaks` compares against (jest-setup does this per test file).
 * Waits (at most 1 s) until nothing is opening or closing and two snapshots agree, so sockets
 * still closing from jest's globalSetup (same process when jest runs in band) do not count.
 */
export async function recordLeakBaseline(): Promise<void> {
  const deadline = Date.now() + BASELINE_SETTLE_MS;
  let previous = activeResourceCounts();
  for (;;) {
    await sleep(POLL_MS);
    const current = activeResourceCounts();
    const busy = [...current.keys()].some((type) => IN_FLIGHT.has(type));
    if ((!busy && sameCounts(previous, current)) || Date.now() >= deadline) {
      baseline = current;
      return;
    }
    previous = current;
  }
}

/** Resource types with more instances now than at the baseline, e.g. `['TCPSocketWrap +2']`. */
export function leakedResources(ignore: readonly string[] = DEFAULT_IGNORED): string[] {
  const before = baseline ?? new Map<string, number>();
  const leaks: string[] = [];
  for (const [type, count] of activeResourceCounts()) {
    const extra = count - (before.get(type) ?? 0);
    if (extra > 0 && !ignore.includes(type)) leaks.push(`${type} +${extra}`);
  }
  return leaks.sort();
}

/** Fails when handles opened since the baseline are still open after `settleMs`. */
export async function assertNoLeaks(options: LeakCheckOptions = {}): Promise<void> {
  const { settleMs = 2000, ignore = DEFAULT_IGNORED } = options;
  if (baseline === undefined) {
    throw new Error('assertNoLeaks: no baseline; is test/support/jest-setup.ts in setupFilesAfterEnv?');
  }
  const deadline = Date.now() + settleMs;
  let leaks = leakedResources(ignore);
  while (leaks.length > 0 && Date.now() < deadline) {
    await sleep(POLL_MS);
    leaks = leakedResources(ignore);
  }
  if (leaks.length > 0) {
    throw new Error(
      `Test file left handles open after ${settleMs} ms: ${leaks.join(', ')}. ` +
        'Close every client, server and backend in afterAll/afterEach (find them with --detectOpenHandles).',
    );
  }
}
