import type { BackendKind } from '../interfaces/pinlater-backend';

/**
 * Which system issued a descriptor, decided from the shard token alone.
 *
 * Pacer shard tokens are `pacer<partition>` (descriptor `myq:spacer3:p1:42`): still four tokens and
 * parseable by PinLater's parser, and distinct from legacy shard names because legacy configs may
 * not name a shard starting with `pacer` (checked when a legacy backend config is loaded).
 */
export const PACER_SHARD_PREFIX = 'pacer';

export function pacerShardName(partition: number): string {
  return `${PACER_SHARD_PREFIX}${partition}`;
}

/** The partition of a Pacer shard name, or `undefined` if the shard is not Pacer's. */
export function pacerPartitionOf(shard: string): number | undefined {
  if (!shard.startsWith(PACER_SHARD_PREFIX)) return undefined;
  const rest = shard.slice(PACER_SHARD_PREFIX.length);
  return /^(0|[1-9][0-9]{0,8})$/.test(rest) ? Number(rest) : undefined;
}

export function isReservedLegacyShardName(shard: string): boolean {
  return shard.startsWith(PACER_SHARD_PREFIX);
}

export function issuerOfShard(shard: string): Extract<BackendKind, 'pacer'> | 'legacy' {
  return pacerPartitionOf(shard) === undefined ? 'legacy' : 'pacer';
}
