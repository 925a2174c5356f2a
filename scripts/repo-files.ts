/**
 * Walks the repository's own files for the repo-wide checks (scripts/*.spec.ts), skipping
 * dependencies, generated code and run state.
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..');

const SKIPPED_DIRS = new Set(['node_modules', 'generated', '.run', '.git', 'dist', 'coverage']);

/** Repo-relative paths (with `/`) of the files under `folder` whose name passes `keep`. */
export function listRepoFiles(folder: string, keep: (name: string) => boolean): string[] {
  let entries;
  try {
    entries = readdirSync(path.join(REPO_ROOT, folder), { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const entry of entries) {
    const rel = folder === '.' ? entry.name : `${folder}/${entry.name}`;
    if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) out.push(...listRepoFiles(rel, keep));
    else if (entry.isFile() && keep(entry.name)) out.push(rel);
  }
  return out;
}
