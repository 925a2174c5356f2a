/**
 * Every `bash runnable` block of runbooks/ against the local bring-up, with the ports, names and
 * databases it really uses (runbooks/README.md "Runnable blocks" has the conventions). Starts the
 * bring-up (`bash scripts/up.sh`) when nothing runs, and stops it at the end only then.
 *
 *   npx jest --selectProjects runbooks                 # what scripts/test.sh's stage runs
 *   npx jest --selectProjects runbooks -t stuck        # one page (the bring-up is still ensured)
 *
 * Pages run one after the other, in file order; a page's failure lists the block (page:line), its
 * script and its output, and every block's whole output is kept in .run/runbooks/<page>.txt.
 * Pages with no runnable block are not listed. Also checked here, as it needs the running
 * bring-up: README's process table names live processes and listening ports (its agreement with
 * config/local-processes.conf is a unit spec, readme-process-table.spec.ts).
 */
import { appendFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { assertNoLeaks } from '../support/leak-check';
import { runBlock } from './block-run';
import { settleDrillQueues } from './drill-queues';
import { withoutNpxShim } from './operator-environment';
import { ensureBringUp, type BringUp } from './local-bring-up';
import { runPage } from './page-run';
import { REPO_ROOT } from './repo-shell';
import { readmeProcessRows, runningProblems } from './readme-process-table';
import { pageName } from './runbook-page';
import { runbookPages } from './runbook-pages';
import { localScenarios } from './scenarios/scenario-registry';

const BRING_UP_TIMEOUT_MS = 300_000;
const PAGE_TIMEOUT_MS = 600_000;
/** One transcript per page (every block run, its script and whole output), kept for reading after a run. */
const TRANSCRIPTS = join(REPO_ROOT, '.run', 'runbooks');
const log = (line: string): void => {
  process.stdout.write(`[runbooks] ${line}\n`);
};

const pages = runbookPages().filter((page) => page.blocks.length > 0 || page.problems.length > 0);
let bringUp: BringUp | undefined;

beforeAll(async () => {
  rmSync(TRANSCRIPTS, { recursive: true, force: true });
  mkdirSync(TRANSCRIPTS, { recursive: true });
  bringUp = await ensureBringUp(log);
  await settleDrillQueues(log);
}, BRING_UP_TIMEOUT_MS);

afterAll(async () => {
  await bringUp?.stop();
}, BRING_UP_TIMEOUT_MS);
afterAll(assertNoLeaks);

it('finds runnable pages', () => {
  expect(pages.length).toBeGreaterThan(0);
});

it("the real npx runs this checkout's pinlater-ops (the blocks' npx is a shim for speed: bin/npx)", async () => {
  const result = await runBlock('npx pinlater-ops --help', { cwd: REPO_ROOT, timeoutSeconds: 60, env: { PATH: withoutNpxShim() } });
  expect(result).toMatchObject({ exitCode: 0 });
  expect(result.output).toMatch(/^Usage: pinlater-ops/m);
});

it("README's process table: every process runs, every port it names listens", async () => {
  const rows = readmeProcessRows(readFileSync(join(REPO_ROOT, 'runbooks', 'README.md'), 'utf8'));
  expect(await runningProblems(rows)).toEqual([]);
});

for (const page of pages) {
  it(`${pageName(page)}: every runnable block runs as written`, async () => {
    const transcript = (entry: string): void => appendFileSync(join(TRANSCRIPTS, `${pageName(page)}.txt`), entry);
    const report = await runPage(page, { cwd: REPO_ROOT, scenarios: localScenarios, log, transcript });
    if (report.failures.length > 0) throw new Error(`${report.failures.length} failure(s):\n\n${report.failures.join('\n\n')}`);
  }, PAGE_TIMEOUT_MS);
}
