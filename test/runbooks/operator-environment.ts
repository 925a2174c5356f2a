/**
 * The environment of a fresh operator terminal, for everything the runbook runner runs (blocks,
 * scripts/up.sh and down.sh, scenario commands): PATH, HOME, USER, LANG and TMPDIR of this process,
 * nothing else — no NODE_ENV, no jest variables, no PINLATER_* a developer exported — so a block
 * that works here works in a new shell.
 */
export function operatorEnvironment(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const { PATH, HOME, USER, LANG, TMPDIR } = process.env;
  const env: NodeJS.ProcessEnv = { PATH, HOME, USER, LANG: LANG ?? 'C.UTF-8', TMPDIR, TERM: 'dumb', ...extra };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env;
}
