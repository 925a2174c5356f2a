/**
 * Shell commands the runner itself runs from the repository root (scripts/up.sh, a scenario's
 * `kill -9`, `pinlater-ops` calls), in an operator's environment and bounded in time, like a
 * block: `repoShell` returns what happened, `mustRepoShell` throws with the output when the
 * command did not exit 0.
 */
import { resolve } from 'node:path';
import { runBlock, type BlockRunResult } from './block-run';

export const REPO_ROOT = resolve(__dirname, '..', '..');

export function repoShell(script: string, timeoutSeconds: number): Promise<BlockRunResult> {
  return runBlock(script, { cwd: REPO_ROOT, timeoutSeconds });
}

export async function mustRepoShell(script: string, timeoutSeconds: number): Promise<string> {
  const result = await repoShell(script, timeoutSeconds);
  if (result.exitCode === 0) return result.output;
  const how = result.timedOut ? `no exit within ${timeoutSeconds} s` : `exit ${result.exitCode ?? result.signal ?? '?'}`;
  throw new Error(`\`${script}\`: ${how}\n${result.output.trimEnd()}`);
}
