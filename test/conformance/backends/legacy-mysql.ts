/**
 * Profile: PinLater's own MySQL layout (`createLegacyMysqlBackend`). Namespace = two instances
 * `pinlaterlocaldb<id>` with unique ids on 127.0.0.1:3306, the second dequeueOnly, two databases per
 * queue each (logical shards `<id>` and `<id>d1`, FACTS §5.1). Cleanup drops every `plq_<shard>_*`
 * database of those shards (kept and named when the block failed: test/support/namespace-keeper.ts).
 */
import { releaseNamespace } from '../../support/namespace-keeper';
import { mysqlDatabasesNamespace, uniqueMysqlInstanceId } from '../../support/namespaces';
import { testEnv } from '../../support/test-env';
import type { BackendInstance, BackendProfile, ConformanceNamespace } from '../harness/backend-profile';
import { createLegacyMysqlBackend } from '../../../legacy-adapter';
import { legacyOptions, legacySettings } from './legacy-settings';
import type { ProfileSystem } from './profile-system';

const HOSTNAME_PREFIX = 'pinlaterlocaldb';
const DBS_PER_QUEUE = 2;

export function mysqlBackendConfig(instances: readonly { id: number; dequeueOnly: boolean }[]): unknown {
  const { host, port, user, password } = testEnv().mysql;
  return Object.fromEntries(
    instances.map(({ id, dequeueOnly }) => [
      `${HOSTNAME_PREFIX}${id}`,
      { master: { host, port }, slave: { host, port }, user, passwd: password, dequeueOnly },
    ]),
  );
}

export function mysqlShardNames(instanceIds: readonly number[]): string[] {
  return instanceIds.flatMap((id) => Array.from({ length: DBS_PER_QUEUE }, (_, db) => (db === 0 ? `${id}` : `${id}d${db}`)));
}

/** The profile's cluster in a fresh namespace, with its backend JSON and settings (profile-system.ts). */
export async function buildLegacyMysqlSystem(ns: ConformanceNamespace): Promise<ProfileSystem> {
  const ids = [uniqueMysqlInstanceId(), uniqueMysqlInstanceId()];
  const config = mysqlBackendConfig([
    { id: ids[0] as number, dequeueOnly: false },
    { id: ids[1] as number, dequeueOnly: true },
  ]);
  const settings = legacySettings(ns, { numDbPerQueue: DBS_PER_QUEUE, allowedHostnamePrefix: HOSTNAME_PREFIX });
  const backend = await createLegacyMysqlBackend(legacyOptions(ns, config, settings));
  let cleaned = false;
  const instance: BackendInstance = {
    backend,
    cleanup: async () => {
      if (cleaned) return;
      cleaned = true;
      try {
        await backend.close();
      } finally {
        await releaseNamespace(mysqlDatabasesNamespace(mysqlShardNames(ids).map((shard) => `plq_${shard}_`)));
      }
    },
  };
  return { instance, backendConfig: config, settings };
}

async function create(ns: ConformanceNamespace): Promise<BackendInstance> {
  return (await buildLegacyMysqlSystem(ns)).instance;
}

export const legacyMysqlProfile: BackendProfile = {
  name: 'legacy-mysql',
  create,
  traits: {
    ackCustomStatus: 'append',
    successAckOfUnclaimedJob: 'applies',
    missingQueue: 'strict',
    timestampResolutionMs: 1000,
    countBoundary: 'disjoint',
    runAfterZero: 'epoch',
    regexDialect: 'posix',
    gcBasis: 'runAfter',
    customStatusLimit: 5000,
    checkpointOfFinishedJob: 'noop',
  },
};
