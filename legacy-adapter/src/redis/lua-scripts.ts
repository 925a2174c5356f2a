import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RedisArgument } from 'redis';
import { isNoScriptError } from './redis-errors';
import type { RedisConnection, SendOptions } from './redis-connection';

/**
 * Every script of `lua/` (FACTS §6.4, plus import-job, delete-matched-jobs and the exactly-once
 * move scripts take-for-move … delete-moved-jobs, docs/migration.md); the file is
 * `lua/<name>.lua`. PinLater's *_MATCH_BODY scripts have no file: their Lua-pattern match runs in
 * the gateway (body-filter/), and DELETE_QUEUE is delete-jobs in chunks.
 */
export const LUA_SCRIPT_NAMES = [
  'enqueue-job',
  'dequeue-jobs',
  'ack-succeeded-job',
  'ack-failed-job',
  'checkpoint-job',
  'retry-jobs',
  'delete-jobs',
  'delete-matched-jobs',
  'monitor-timeout-update',
  'monitor-gc-done-jobs',
  'import-job',
  'take-for-move',
  'list-taken-jobs',
  'restore-moved-jobs',
  'stage-moved-jobs',
  'list-staged-jobs',
  'publish-staged-jobs',
  'delete-moved-jobs',
] as const;

export type LuaScriptName = (typeof LUA_SCRIPT_NAMES)[number];

export interface LuaScript {
  name: LuaScriptName;
  source: string;
  /** SHA1 of the source, as EVALSHA / SCRIPT LOAD know it. */
  sha: string;
}

export const LUA_DIR = join(__dirname, 'lua');

let cache: ReadonlyMap<LuaScriptName, LuaScript> | undefined;

/** Reads every script file once per process. */
export function luaScripts(): ReadonlyMap<LuaScriptName, LuaScript> {
  if (cache === undefined) {
    cache = new Map(LUA_SCRIPT_NAMES.map((name) => [name, readScript(name)]));
  }
  return cache;
}

function readScript(name: LuaScriptName): LuaScript {
  const source = readFileSync(join(LUA_DIR, `${name}.lua`), 'utf8');
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

export function luaScript(name: LuaScriptName): LuaScript {
  const script = luaScripts().get(name);
  if (script === undefined) throw new Error(`unknown Lua script ${name}`);
  return script;
}

/**
 * Runs a script: EVALSHA, and on NOSCRIPT (fresh or flushed script cache) EVAL with the source,
 * which also caches it for the next EVALSHA. `options` must leave a NOSCRIPT reply unmapped;
 * `evalOptions` (default: `options`) are the EVAL's.
 */
export async function runScript<T>(
  connection: RedisConnection,
  name: LuaScriptName,
  keys: readonly string[],
  args: readonly RedisArgument[],
  options: SendOptions,
  evalOptions: SendOptions = options,
): Promise<T> {
  const script = luaScript(name);
  const command = scriptCommand('EVALSHA', script.sha, keys, args);
  try {
    return await connection.send<T>(command, options);
  } catch (e) {
    if (!isNoScriptError(e)) throw e;
    return connection.send<T>(scriptCommand('EVAL', script.source, keys, args), evalOptions);
  }
}

/** `[verb, script, numkeys, ...keys, ...args]` built in one pass (no spread copies per call). */
function scriptCommand(verb: string, script: string, keys: readonly string[], args: readonly RedisArgument[]): RedisArgument[] {
  const command = new Array<RedisArgument>(3 + keys.length + args.length);
  command[0] = verb;
  command[1] = script;
  command[2] = String(keys.length);
  let i = 3;
  for (const key of keys) command[i++] = key;
  for (const arg of args) command[i++] = arg;
  return command;
}

/** SCRIPT LOAD of every script (optional warm-up; `runScript` works without it). */
export async function loadAllScripts(connection: RedisConnection, options: SendOptions): Promise<void> {
  await Promise.all([...luaScripts().values()].map((s) => connection.send(['SCRIPT', 'LOAD', s.source], options)));
}
