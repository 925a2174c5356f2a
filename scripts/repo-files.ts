/**
 * Walks the repository's own files for the repo-wide checks (scripts/*.spec.ts,
 * scripts/check-imports.ts) and the build's asset audit (scripts/build-assets.ts), skipping
 * dependencies, generated code and run state unless told otherwise.
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..');

const SKIPPED_DIRS = new Set(['node_modules', 'generated', '.run', '.git', 'dist', 'coverage']);

export interface ListOptions {
  /** The tree walked. Default: this repository. */
  readonly root?: string;
  /** Folder names not entered. Default: dependencies, generated code and run state. */
  readonly skipDirs?: ReadonlySet<string>;
}

/** Paths relative to the root (with `/`) of the files under `folder` whose name passes `keep`; a missing folder has none. */
export function listRepoFiles(folder: string, keep: (name: string) => boolean, options: ListOptions = {}): string[] {
  const root = options.root ?? REPO_ROOT;
  const skipDirs = options.skipDirs ?? SKIPPED_DIRS;
  let entries;
  try {
    entries = readdirSync(path.join(root, folder), { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const entry of entries) {
    const rel = folder === '.' ? entry.name : `${folder}/${entry.name}`;
    if (entry.isDirectory() && !skipDirs.has(entry.name)) out.push(...listRepoFiles(rel, keep, options));
    else if (entry.isFile() && keep(entry.name)) out.push(rel);
  }
  return out;
}
