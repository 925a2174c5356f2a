/**
 * The runbook runner against fixture pages (test/runbooks/fixtures/): a broken command fails the
 * page with its line and output, a Verify that passes while the problem is there fails it, a good
 * page passes. Blocks run in a fresh temporary directory per test, with real bash.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoLeaks } from '../support/leak-check';
import { fixtureScenarios, FLAG_FILE } from './fixtures/flag-file-scenario';
import { runPage, type PageRunReport } from './page-run';
import { parseRunbookPage } from './runbook-page';

const FIXTURES = join(__dirname, 'fixtures');
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runbook-runner-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterAll(assertNoLeaks);

function runText(file: string, text: string): Promise<PageRunReport> {
  return runPage(parseRunbookPage(file, text), { cwd: dir, scenarios: fixtureScenarios(dir) });
}

function runFixture(name: string): Promise<PageRunReport> {
  return runText(`fixtures/${name}`, readFileSync(join(FIXTURES, name), 'utf8'));
}

describe('a page without scenario', () => {
  it('passes when every runnable block exits 0, with its setup kept and unmarked blocks not run', async () => {
    const report = await runFixture('good-page.md');
    expect(report.failures).toEqual([]);
    expect(report.blocksRun).toBe(4); // two setups (the second uses the first), the step, the verify; not `exit 7`
    expect(readFileSync(join(dir, 'step-one.txt'), 'utf8')).toBe('step one\n');
  });

  it('fails on a broken command, naming the page and line and showing the output, and stops there', async () => {
    const report = await runFixture('broken-command.md');
    expect(report.failures).toHaveLength(1);
    const [failure = ''] = report.failures;
    expect(failure).toContain('fixtures/broken-command.md:7 (bash runnable): must exit 0 (in order); exit 127');
    const output = failure.split('--- output ---')[1];
    expect(output).toContain('about to fail');
    expect(output).toContain('no_such_command_anywhere: command not found');
    expect(output).not.toContain('never printed'); // bash -e stops the block at the failing line
    expect(existsSync(join(dir, 'not-reached.txt'))).toBe(false);
  });

  it('kills a block that outlives its timeout, with what it printed so far', async () => {
    const started = Date.now();
    const report = await runFixture('slow-block.md');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(report.failures[0]).toContain('killed after its timeout of 1 s');
    expect(report.failures[0]).toContain('started');
  });

  it('fails a pipeline whose first command fails (pipefail) and an unset variable (nounset)', async () => {
    const pipe = await runText('p.md', '```bash runnable\nfalse | cat\n```\n');
    expect(pipe.failures[0]).toContain('exit 1');
    const unset = await runText('u.md', '```bash runnable\necho "$NOT_SET_ANYWHERE"\n```\n');
    expect(unset.failures[0]).toContain('NOT_SET_ANYWHERE: unbound variable');
  });
});

describe('a page with a scenario', () => {
  it('passes when Verify fails on the problem and passes after the page fixed it', async () => {
    const report = await runFixture('scenario-good.md');
    expect(report.failures).toEqual([]);
    expect(report.blocksRun).toBe(4); // verify (fails, as it must), diagnosis, fix, verify
  });

  it('fails when Verify passes while the problem is still there, and still restores', async () => {
    const report = await runFixture('verify-passes-while-broken.md');
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]).toContain('fixtures/verify-passes-while-broken.md:9 (bash runnable verify): Verify passes while the problem is still there (scenario flag-file)');
    expect(existsSync(join(dir, FLAG_FILE))).toBe(false); // the fix never ran: restore removed it
  });

  it('fails when Verify still fails after the fix', async () => {
    const report = await runFixture('fix-does-not-fix.md');
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]).toContain('fixtures/fix-does-not-fix.md:9 (bash runnable verify): must exit 0 (after the fix); exit 1');
  });

  it('fails when the scenario is not implemented, or cannot create the problem', async () => {
    const verify = '```bash runnable verify\ntrue\n```\n';
    const unknown = await runText('x.md', `<!-- runbook-scenario: no-such-scenario -->\n${verify}`);
    expect(unknown.failures[0]).toContain('scenario no-such-scenario is not implemented');
    const broken = await runText('y.md', `<!-- runbook-scenario: broken-create -->\n${verify}`);
    expect(broken.failures[0]).toContain('scenario broken-create: create failed: cannot create it');
    expect(broken.blocksRun).toBe(0);
  });
});

describe('markers', () => {
  it('reports every marker that does not parse and runs nothing', async () => {
    const report = await runFixture('bad-markers.md');
    expect(report.blocksRun).toBe(0);
    expect(report.failures).toEqual([
      expect.stringContaining('fixtures/bad-markers.md:5: info string `bash runnable verfy`: unknown word `verfy`'),
      expect.stringContaining('fixtures/bad-markers.md:9: info string `sh runnable`'),
      expect.stringContaining('a runbook-scenario comment does not parse'),
    ]);
  });

  it('requires a Verify block on a scenario page', () => {
    const page = parseRunbookPage('z.md', '<!-- runbook-scenario: flag-file -->\n```bash runnable\ntrue\n```\n');
    expect(page.problems).toEqual(['z.md: declares scenario flag-file but has no `bash runnable verify` block']);
  });
});
