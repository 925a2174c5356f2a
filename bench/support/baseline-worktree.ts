/**
 * A detached git worktree of a baseline commit, so one benchmark run can start the same entry
 * point from the past tree and from the current one and compare them under the same machine load
 * (numbers from separate runs are not comparable on a shared 2-vCPU machine). The worktree gets
 * a symlink to the main tree's node_modules instead of an install: quick, and both sides then run
 * on the same dependency versions (`dependenciesChanged` says when that is not what the baseline
 * had). Benchmarks only; never touches the main tree's index, HEAD or work tree.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BaselineWorktree {
  readonly dir: string;
  /** The full commit hash checked out. */
  readonly commit: string;
}

function git(repo: string, args: string[]): string {
  return execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The commit a ref names; throws a readable error for a ref that names none. */
export function resolveCommit(repo: string, ref: string): string {
  try {
    return git(repo, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new Error(`${ref}: not a commit in ${repo}`);
  }
}

/** HEAD's short hash and the number of paths `git status` reports changed (the "after" tree). */
export function describeWorkingTree(repo: string): string {
  const head = git(repo, ['rev-parse', '--short', 'HEAD']);
  const changed = git(repo, ['status', '--porcelain']).split('\n').filter((l) => l.length > 0).length;
  return `working tree of ${head} + ${changed} changed path(s)`;
}

/** True when package.json or package-lock.json differ between `commit` and the working tree. */
export function dependenciesChanged(repo: string, commit: string): boolean {
  try {
    git(repo, ['diff', '--quiet', commit, '--', 'package.json', 'package-lock.json']);
    return false;
  } catch {
    return true;
  }
}

export function addBaselineWorktree(repo: string, commit: string): BaselineWorktree {
  const dir = mkdtempSync(join(tmpdir(), 'bench-baseline-'));
  try {
    git(repo, ['worktree', 'add', '--detach', dir, commit]);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { dir, commit };
}

/**
 * Removes the worktree. Synchronous so it also works from a signal handler. The node_modules
 * symlink is unlinked first so that nothing can follow it into the main tree's dependencies. If
 * git cannot remove it, the directory is deleted and `git worktree prune` drops the stale entry
 * (prune only touches worktrees whose directory is gone).
 */
export function removeBaselineWorktree(repo: string, tree: BaselineWorktree): void {
  rmSync(join(tree.dir, 'node_modules'), { force: true });
  try {
    git(repo, ['worktree', 'remove', '--force', tree.dir]);
  } catch (e) {
    rmSync(tree.dir, { recursive: true, force: true });
    git(repo, ['worktree', 'prune']);
    throw e;
  }
}
