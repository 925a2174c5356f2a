/**
 * One runbook page as the runner sees it: its runnable blocks and its scenario.
 *
 * Conventions (runbooks/README.md "Runnable blocks"):
 * - A fenced block whose info string is `bash runnable` is executed; `bash runnable verify` is
 *   (part of) the page's Verify step; `bash runnable setup` is the shell set-up an operator keeps
 *   in the terminal (exports, `source runbooks/pl.sh`): it runs first, then is prepended to every
 *   other runnable block of the page. Any block may add `timeout=<seconds>` (default 60).
 *   Every other block (`bash`, `sql`, none) is documentation and never runs.
 * - `<!-- runbook-scenario: <name> -->` names the problem the page fixes; the runner creates it
 *   first (test/runbooks/scenarios/<name>.ts).
 * Anything that looks like a marker but does not parse is a problem of the page: a typo must
 * not silently turn a tested block into an untested one.
 */
import { basename } from 'node:path';
import { markdownFences } from './markdown-fences';

export type BlockKind = 'run' | 'verify' | 'setup';

export interface RunbookBlock {
  readonly kind: BlockKind;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly script: string;
  readonly timeoutSeconds: number;
}

export interface RunbookPage {
  /** The file, as named in reports (`runbooks/stuck-or-timed-out-jobs.md`). */
  readonly file: string;
  readonly scenario: string | undefined;
  readonly blocks: readonly RunbookBlock[];
  /** Markers that do not parse, a scenario page without Verify blocks: each fails the page. */
  readonly problems: readonly string[];
}

export const DEFAULT_BLOCK_TIMEOUT_SECONDS = 60;
const MAX_BLOCK_TIMEOUT_SECONDS = 600;
const SCENARIO = /<!--\s*runbook-scenario:\s*([a-z0-9][a-z0-9-]*)\s*-->/g;
const MARKER_LIKE = /runn?able|runbook-scenario/i;

export function parseRunbookPage(file: string, text: string): RunbookPage {
  const problems: string[] = [];
  const blocks: RunbookBlock[] = [];
  for (const fence of markdownFences(text)) {
    if (!MARKER_LIKE.test(fence.info)) continue;
    const parsed = parseInfo(fence.info);
    if (typeof parsed === 'string') problems.push(`${file}:${fence.line}: ${parsed}`);
    else blocks.push({ ...parsed, line: fence.line, script: fence.content });
  }
  const scenario = scenarioOf(file, text, problems);
  if (scenario !== undefined && !blocks.some((b) => b.kind === 'verify')) {
    problems.push(`${file}: declares scenario ${scenario} but has no \`bash runnable verify\` block`);
  }
  return { file, scenario, blocks, problems };
}

/** The block's kind and timeout, or why the info string is not a valid marker. */
function parseInfo(info: string): Omit<RunbookBlock, 'line' | 'script'> | string {
  const [language, marker, ...rest] = info.split(/\s+/);
  const usage = 'expected `bash runnable [verify|setup] [timeout=<seconds>]`';
  if (language !== 'bash' || marker !== 'runnable') return `info string \`${info}\`: ${usage}`;
  let kind: BlockKind = 'run';
  let timeoutSeconds = DEFAULT_BLOCK_TIMEOUT_SECONDS;
  for (const word of rest) {
    const timeout = /^timeout=(\d+)$/.exec(word);
    if (word === 'verify' || word === 'setup') kind = word;
    else if (timeout && Number(timeout[1]) > 0 && Number(timeout[1]) <= MAX_BLOCK_TIMEOUT_SECONDS) timeoutSeconds = Number(timeout[1]);
    else return `info string \`${info}\`: unknown word \`${word}\` (${usage}, timeout at most ${MAX_BLOCK_TIMEOUT_SECONDS})`;
  }
  return { kind, timeoutSeconds };
}

function scenarioOf(file: string, text: string, problems: string[]): string | undefined {
  const names = [...text.matchAll(SCENARIO)].map((m) => m[1] ?? '');
  const mentions = text.split('\n').filter((l) => l.trim().startsWith('<!--') && l.includes('runbook-scenario')).length;
  if (mentions !== names.length) problems.push(`${file}: a runbook-scenario comment does not parse (write \`<!-- runbook-scenario: <name> -->\`)`);
  if (names.length > 1) problems.push(`${file}: more than one scenario (${names.join(', ')}); a page fixes one problem`);
  return names[0];
}

/** The page's short name, for test titles (`stuck-or-timed-out-jobs`). */
export function pageName(page: RunbookPage): string {
  return basename(page.file, '.md');
}
