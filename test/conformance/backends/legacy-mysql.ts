/**
 * Profile: PinLater's own MySQL layout (`createLegacyMysqlBackend`). Namespace = two instances
 * `pinlaterlocaldb<id>` with unique ids on 127.0.0.1:3306, the second dequeueOnly, two databases per
 * queue each (logical shards `<id>` and `<id>d1`, FACTS §5.1). Cleanup drops every `plq_<shard>_*`
 * database of those shards.
 */
import type { PinLaterBackend } from '../../../core/src/interfaces/pinlater-backend';
import type { LegacyBackendOptions } from '../../../core/src/types/legacy-backend-options';
import { listDatabases, withMysql } from '../../support/mysql';
import { uniqueMysqlInstanceId } from '../../support/namespaces';
import { testEnv } from '../../support/test-env';
import type { BackendProfile, ConformanceNamespace } from '../harness/backend-profile';
import { loadModule, requireFunction } from '../harness/load-module';
import { legacyOptions, legacySettings } from './legacy-settings';

type CreateLegacyBackend = (options: LegacyBackendOptions) => PinLaterBackend | Promise<PinLaterBackend>;

const WHAT = 'legacy MySQL backend (legacy-adapter/index.ts createLegacyMysqlBackend)';
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

export async function dropShardDatabases(shards: readonly string[]): Promise<void> {
  const names = (await Promise.all(shards.map((shard) => listDatabases(`plq_${shard}_`)))).flat();
  if (names.length === 0) return;
  await withMysql(async (db) => {
    for (const name of names) await db.query(`DROP DATABASE IF EXISTS \`${name}\``);
  });
}

async function create(ns: ConformanceNamespace) {
  const ids = [uniqueMysqlInstanceId(), uniqueMysqlInstanceId()];
  const config = mysqlBackendConfig([
    { id: ids[0] as number, dequeueOnly: false },
    { id: ids[1] as number, dequeueOnly: true },
  ]);
  const settings = legacySettings(ns, { numDbPerQueue: DBS_PER_QUEUE, allowedHostnamePrefix: HOSTNAME_PREFIX });
  const factory = requireFunction<CreateLegacyBackend>(WHAT, loadModule(WHAT, '../../../legacy-adapter'), 'createLegacyMysqlBackend');
  const backend = await factory(legacyOptions(ns, config, settings));
  let cleaned = false;
  return {
    backend,
    cleanup: async () => {
      if (cleaned) return;
      cleaned = true;
      try {
        await backend.close();
      } finally {
        await dropShardDatabases(mysqlShardNames(ids));
      }
    },
  };
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
