/**
 * Profile: PinLater's own Redis layout (`createLegacyRedisBackend`). Namespace = three shards with
 * unique names on 127.0.0.1:6379 (the shard name is inside every key, FACTS §6.2), the third one
 * dequeueOnly. Cleanup deletes every key of those shards (kept and named when the block failed:
 * test/support/namespace-keeper.ts).
 */
import { releaseNamespace } from '../../support/namespace-keeper';
import { redisKeysNamespace, uniqueShardBase } from '../../support/namespaces';
import { testEnv } from '../../support/test-env';
import type { BackendInstance, BackendProfile, ConformanceNamespace } from '../harness/backend-profile';
import { createLegacyRedisBackend } from '../../../legacy-adapter';
import { legacyOptions, legacySettings } from './legacy-settings';
import type { ProfileSystem } from './profile-system';

export function redisBackendConfig(shards: readonly string[], dequeueOnly: readonly string[]): unknown {
  const { host, port } = testEnv().redis;
  return {
    shards: shards.map((name) => ({
      name,
      shardConfig: { master: { host, port }, dequeueOnly: dequeueOnly.includes(name) },
    })),
  };
}

export function redisShardKeyPatterns(shard: string): string[] {
  return [`pln_${shard}`, `plj_${shard}_*`, `plq_${shard}_*`, `plh_${shard}_*`];
}

/** The profile's cluster in a fresh namespace, with its backend JSON and settings (profile-system.ts). */
export async function buildLegacyRedisSystem(ns: ConformanceNamespace): Promise<ProfileSystem> {
  const base = uniqueShardBase();
  const shards = [`${base}a`, `${base}b`, `${base}c`];
  const config = redisBackendConfig(shards, [`${base}c`]);
  const settings = legacySettings(ns);
  const backend = await createLegacyRedisBackend(legacyOptions(ns, config, settings));
  let cleaned = false;
  const instance: BackendInstance = {
    backend,
    cleanup: async () => {
      if (cleaned) return;
      cleaned = true;
      try {
        await backend.close();
      } finally {
        await releaseNamespace(redisKeysNamespace(shards.flatMap(redisShardKeyPatterns)));
      }
    },
  };
  return { instance, backendConfig: config, settings };
}

async function create(ns: ConformanceNamespace): Promise<BackendInstance> {
  return (await buildLegacyRedisSystem(ns)).instance;
}

export const legacyRedisProfile: BackendProfile = {
  name: 'legacy-redis',
  create,
  traits: {
    ackCustomStatus: 'overwrite',
    successAckOfUnclaimedJob: 'noop',
    missingQueue: 'lenient',
    timestampResolutionMs: 1,
    countBoundary: 'overlap',
    runAfterZero: 'now',
    regexDialect: 'lua',
    gcBasis: 'completion',
    customStatusLimit: 3000,
    checkpointOfFinishedJob: 'applies',
  },
};
