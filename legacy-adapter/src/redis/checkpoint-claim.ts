import type { RedisArgument } from 'redis';
import type { ShardCommands } from './shard-commands';

/** checkpoint-job.lua's answers besides 0 (no match) and 1 (applied). */
const CLAIM_CHANGED = -2;
const SEARCH_IN_GATEWAY = -3;
/** Rounds of "read cd, search it here, apply if unchanged" before giving up as a no-op. */
const MAX_ROUNDS = 3;

/**
 * The checkpoint source as checkpoint-job.lua searches it: Java's UTF-8 bytes up to the first NUL
 * (PinLater's escaped Lua pattern ends there).
 */
export function checkpointSourceBytes(javaText: string): Buffer {
  const bytes = Buffer.from(javaText, 'utf8');
  const nul = bytes.indexOf(0);
  return nul === -1 ? bytes : bytes.subarray(0, nul);
}

/**
 * Runs checkpoint-job.lua (`args` = ARGV[1..10], ARGV[2] = `source`) and returns whether the
 * checkpoint was applied. When cd and source are too long for the script to search (-3), the
 * substring test runs here on the `cd` read with HGET (Buffer.indexOf, linear in practice), and
 * the script applies the checkpoint only if cd is still that value (else -2: read again).
 */
export async function runCheckpoint(
  cmd: ShardCommands,
  keys: readonly string[],
  hash: string,
  args: readonly RedisArgument[],
  source: Buffer,
): Promise<boolean> {
  const first = Number(await cmd.script<number>('checkpoint-job', keys, [...args, '0', '']));
  if (first !== SEARCH_IN_GATEWAY) return first === 1;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const claim = await cmd.bytes<Buffer | null>(['HGET', hash, 'cd']);
    if (claim === null || claim.indexOf(source) === -1) return false;
    const result = Number(await cmd.script<number>('checkpoint-job', keys, [...args, '1', claim]));
    if (result !== CLAIM_CHANGED) return result === 1;
  }
  return false;
}
