/**
 * The y/N question before a write. `--yes` skips it; without `--yes` and without a terminal on stdin
 * (a script, a pipe, CI) the command refuses instead of waiting for an answer nobody can give.
 */
import { createInterface } from 'node:readline';
import { CliFailure } from './cli-failure';
import type { CliContext } from './cli-context';

/**
 * Resolves when the write may go ahead; throws CliFailure NOT_CONFIRMED (nothing written)
 * otherwise, carrying `plan` (what would have been written) for `--json` output.
 */
export async function confirmWrite(ctx: CliContext, question: string, options: { yes: boolean; plan: Readonly<Record<string, unknown>> }): Promise<void> {
  if (options.yes) return;
  if (ctx.io.stdin.isTTY !== true) {
    throw new CliFailure('NOT_CONFIRMED', 'not confirmed: stdin is not a terminal and --yes was not given; nothing was written (re-run with --yes to apply)', { plan: options.plan });
  }
  const answer = await ask(ctx, `${question} [y/N] `);
  if (!/^(y|yes)$/i.test(answer.trim())) throw new CliFailure('NOT_CONFIRMED', 'not confirmed; nothing was written', { plan: options.plan });
}

function ask(ctx: CliContext, prompt: string): Promise<string> {
  const rl = createInterface({ input: ctx.io.stdin, output: ctx.io.stderr, terminal: true });
  ctx.resources.onClose('confirmation prompt', () => rl.close());
  return new Promise((resolve) => {
    // Ctrl-C at the prompt: readline swallows the signal in raw mode; treat it as the signal.
    rl.once('SIGINT', () => {
      resolve('');
      ctx.interruption.raise('SIGINT');
    });
    rl.question(prompt, (answer) => {
      rl.close();
      resolve(answer);
    });
  });
}
