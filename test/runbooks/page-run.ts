/**
 * Runs one runbook page and reports what failed.
 *
 * - `setup` blocks run first (each after the ones before it), then are prepended to every other block.
 * - A page without scenario: its runnable blocks (Verify included) run in page order; each must
 *   exit 0. The first failure ends the page (later blocks build on earlier ones).
 * - A page with a scenario: the scenario creates the problem; every Verify block must then FAIL
 *   (else "Verify passes while the problem is still there"); the other runnable blocks
 *   (diagnosis, fix) run in page order and must exit 0; every Verify block must then pass. The
 *   scenario's `restore` runs last, whatever happened.
 */
import { coerceError } from '../../core/src/errors/coerce-error';
import { runBlock, type BlockRunResult } from './block-run';
import { blockFailure, describeBlock, outcome } from './failure-report';
import type { RunbookBlock, RunbookPage } from './runbook-page';
import type { RunbookScenario, ScenarioLookup } from './runbook-scenario';

export interface PageRunOptions {
  /** Where blocks run: the repository root. */
  readonly cwd: string;
  readonly scenarios: ScenarioLookup;
  /** One line per block run (progress for the test log); silent when absent. */
  readonly log?: (line: string) => void;
  /** Each block run with its script and whole output (the page's transcript); none when absent. */
  readonly transcript?: (entry: string) => void;
}

export interface PageRunReport {
  readonly file: string;
  /** Empty when the page passed. */
  readonly failures: readonly string[];
  /** Blocks run, in order (a block runs twice on a scenario page when it is a Verify block). */
  readonly blocksRun: number;
}

type Phase = 'setup' | 'problem present' | 'fix' | 'after the fix' | 'in order';

class PageRun {
  private readonly failures: string[] = [];
  private blocksRun = 0;
  private prelude = '';

  constructor(private readonly page: RunbookPage, private readonly options: PageRunOptions) {}

  async run(): Promise<PageRunReport> {
    if (this.page.problems.length > 0) return this.report([...this.page.problems]);
    if (await this.runSetup()) {
      if (this.page.scenario === undefined) await this.runAll(this.blocksOf('run', 'verify'), 'in order');
      else await this.runScenario(this.page.scenario);
    }
    return this.report(this.failures);
  }

  /** Each setup block after the ones before it, as in one terminal; together they become the prelude. */
  private async runSetup(): Promise<boolean> {
    for (const block of this.blocksOf('setup')) {
      const result = await this.exec(block, 'setup', this.prelude);
      if (result.exitCode !== 0) return this.fail(blockFailure(this.page, block, result, 'setup block failed'));
      this.prelude = this.prelude === '' ? block.script : `${this.prelude}\n${block.script}`;
    }
    return true;
  }

  private async runScenario(name: string): Promise<void> {
    const scenario = this.options.scenarios(name);
    if (scenario === undefined) {
      this.fail(`${this.page.file}: scenario ${name} is not implemented (test/runbooks/scenarios/${name}.ts, listed in scenario-registry.ts)`);
      return;
    }
    try {
      if (!(await this.step(`scenario ${name}: create`, () => scenario.create()))) return;
      if (!(await this.verifyFailsWhileBroken(name))) return;
      if (!(await this.runAll(this.blocksOf('run'), 'fix'))) return;
      await this.runAll(this.blocksOf('verify'), 'after the fix');
    } finally {
      await this.restore(name, scenario);
    }
  }

  private async verifyFailsWhileBroken(name: string): Promise<boolean> {
    let ok = true;
    for (const block of this.blocksOf('verify')) {
      const result = await this.exec(block, 'problem present', this.prelude);
      if (result.exitCode === 0) {
        ok = this.fail(blockFailure(this.page, block, result, `Verify passes while the problem is still there (scenario ${name})`));
      }
    }
    return ok;
  }

  private async runAll(blocks: readonly RunbookBlock[], phase: Phase): Promise<boolean> {
    for (const block of blocks) {
      const result = await this.exec(block, phase, this.prelude);
      if (result.exitCode !== 0) return this.fail(blockFailure(this.page, block, result, `must exit 0 (${phase})`));
    }
    return true;
  }

  private async restore(name: string, scenario: RunbookScenario): Promise<void> {
    await this.step(`scenario ${name}: restore`, () => scenario.restore());
  }

  private async step(what: string, fn: () => Promise<void>): Promise<boolean> {
    this.options.log?.(`${this.page.file}: ${what}`);
    this.options.transcript?.(`=== ${this.page.file}: ${what}\n`);
    try {
      await fn();
      return true;
    } catch (e) {
      const message = `${this.page.file}: ${what} failed: ${coerceError(e).message}`;
      this.options.transcript?.(`${message}\n`);
      return this.fail(message);
    }
  }

  private async exec(block: RunbookBlock, phase: Phase, prelude: string): Promise<BlockRunResult> {
    this.blocksRun++;
    const script = prelude === '' ? block.script : `${prelude}\n${block.script}`;
    const result = await runBlock(script, { cwd: this.options.cwd, timeoutSeconds: block.timeoutSeconds });
    const line = `${this.page.file}:${block.line} ${describeBlock(block)} [${phase}]: ${outcome(block, result)}`;
    this.options.log?.(line);
    this.options.transcript?.(`=== ${line}\n$ ${block.script.replace(/\n/g, '\n$ ')}\n${result.output}\n`);
    return result;
  }

  private blocksOf(...kinds: RunbookBlock['kind'][]): RunbookBlock[] {
    return this.page.blocks.filter((b) => kinds.includes(b.kind));
  }

  private fail(message: string): false {
    this.failures.push(message);
    return false;
  }

  private report(failures: readonly string[]): PageRunReport {
    return { file: this.page.file, failures, blocksRun: this.blocksRun };
  }
}

export function runPage(page: RunbookPage, options: PageRunOptions): Promise<PageRunReport> {
  return new PageRun(page, options).run();
}
