/**
 * The text of a runbook failure: where (page and line), what was expected, what happened, the
 * block and its output, so a failing CI run says which pasted command broke and how.
 */
import type { BlockRunResult } from './block-run';
import type { RunbookBlock, RunbookPage } from './runbook-page';

export function blockFailure(page: RunbookPage, block: RunbookBlock, result: BlockRunResult, why: string): string {
  return [
    `${page.file}:${block.line} (${describeBlock(block)}): ${why}; ${outcome(block, result)}`,
    indent('script', block.script),
    indent('output', result.output.trimEnd() || '(none)'),
  ].join('\n');
}

export function describeBlock(block: RunbookBlock): string {
  return block.kind === 'run' ? 'bash runnable' : `bash runnable ${block.kind}`;
}

export function outcome(block: RunbookBlock, result: BlockRunResult): string {
  const seconds = (result.durationMs / 1000).toFixed(1);
  if (result.timedOut) return `killed after its timeout of ${block.timeoutSeconds} s`;
  if (result.exitCode === null) return `killed by ${result.signal ?? 'a signal'} after ${seconds} s`;
  return `exit ${result.exitCode} after ${seconds} s`;
}

function indent(title: string, text: string): string {
  return [`  --- ${title} ---`, ...text.split('\n').map((l) => `  | ${l}`)].join('\n');
}
