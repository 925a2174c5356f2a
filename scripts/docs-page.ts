/**
 * Reading the maintainer pages under docs/ for the specs that keep them in step with the code
 * (scripts/docs-*.spec.ts): a page states facts the code must still match, and a spec fails when
 * the code moves on without the page.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root. */
const REPO_ROOT = join(__dirname, '..');

/** The text of `docs/<name>`. */
export function readDocPage(name: string): string {
  return readFileSync(join(REPO_ROOT, 'docs', name), 'utf8');
}

/** A file of the repository, as text. */
export function readRepoFile(path: string): string {
  return readFileSync(join(REPO_ROOT, path), 'utf8');
}

/** The bodies of the page's fenced code blocks in `language` (```language … ```). */
export function fencedBlocks(markdown: string, language: string): string[] {
  const fence = new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, 'gm');
  return [...markdown.matchAll(fence)].map((match) => match[1] ?? '');
}
