/** The pages of runbooks/, parsed, in file name order (README.md first). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './repo-shell';
import { parseRunbookPage, type RunbookPage } from './runbook-page';

export const RUNBOOKS_DIR = join(REPO_ROOT, 'runbooks');

export function runbookPages(): RunbookPage[] {
  const files = readdirSync(RUNBOOKS_DIR).filter((f) => f.endsWith('.md'));
  const ordered = [...files.filter((f) => f === 'README.md'), ...files.filter((f) => f !== 'README.md').sort()];
  return ordered.map((f) => parseRunbookPage(`runbooks/${f}`, readFileSync(join(RUNBOOKS_DIR, f), 'utf8')));
}
