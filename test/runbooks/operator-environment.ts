import { join } from 'node:path';

/**
 * `npx` of the blocks (bin/npx): this package's bins and installed tools run without npm exec's
 * start-up, as the real npx would run them from the repository root.
 */
export const NPX_SHIM_DIR = join(__dirname, 'bin');

/**
 * The environment of a fresh operator terminal, for everything the runbook runner runs (blocks,
 * scripts/up.sh and down.sh, scenario commands): PATH, HOME, USER, LANG and TMPDIR of this process,
 * nothing else — no NODE_ENV, no jest variables, no PINLATER_* a developer exported — so a block
 * that works here works in a new shell. PATH starts with NPX_SHIM_DIR.
 */
export function operatorEnvironment(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const { HOME, USER, LANG, TMPDIR } = process.env;
  const PATH = [NPX_SHIM_DIR, process.env.PATH].filter((p) => p !== undefined && p !== '').join(':');
  const env: NodeJS.ProcessEnv = { PATH, HOME, USER, LANG: LANG ?? 'C.UTF-8', TMPDIR, TERM: 'dumb', ...extra };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env;
}

/** This process's PATH as it is (for a block that must run the real npx: `runBlock(…, { env: { PATH } })`). */
export function withoutNpxShim(): string {
  return process.env.PATH ?? '';
}
