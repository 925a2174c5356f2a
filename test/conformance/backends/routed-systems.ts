/**
 * The three systems behind the routing profiles (routing.ts), each built by its own profile in a
 * fresh namespace: a legacy Redis cluster (legacy-redis.ts), a legacy MySQL cluster
 * (legacy-mysql.ts) and Pacer in its zookeeper topology with a controller and a broker process
 * (pacer.ts); plus the routing table, a fresh ZooKeeper chroot whose tree the operator set up
 * (test/integration/routing-fixtures.ts). Each system's backend JSON is written to a temporary
 * directory, as a gateway's `--routing-config` names it.
 *
 * One set per test file, shared by the file's routing blocks (file-scope.ts: built by the first
 * routing block that needs it, closed after the file's last block, namespaces kept when any test
 * of the file failed). Each routing block composes its own routing gateway over it (routing.ts),
 * so the other profiles' queues are on the other systems while a block runs.
 *
 * Decoys: the operator routes one queue to each system and it holds one pending job there, so
 * every system has a queue of its own behind every routing gateway (getQueueNames is the union)
 * and a call routed to the wrong system has something to find. `placementProblems` checks that
 * every queue on a system is there because its routing record says so.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PinLaterBackend } from '../../../core/src/interfaces/pinlater-backend';
import { PACER_SYSTEM } from '../../../core/src/routing/routing-backend';
import { JobState } from '../../../core/src/types/job-state';
import type { LegacyClusterConfig, PacerSystemConfig } from '../../../gateway/src/routing-config';
import type { RoutingRecord } from '../../../migration/index';
import { routingTable, type RoutingTableFixture } from '../../integration/routing-fixtures';
import { randomAlnum } from '../../support/namespaces';
import type { ConformanceNamespace } from '../harness/backend-profile';
import { atFileEnd } from '../harness/file-scope';
import { buildLegacyMysqlSystem } from './legacy-mysql';
import { buildLegacyRedisSystem } from './legacy-redis';
import { buildPacerSystem } from './pacer';
import type { ProfileSystem } from './profile-system';

/** The legacy clusters' names in the routing table and config (Pacer's is `PACER_SYSTEM`). */
export const REDIS_CLUSTER = 'redis-a';
export const MYSQL_CLUSTER = 'mysql-a';
export type SystemName = typeof REDIS_CLUSTER | typeof MYSQL_CLUSTER | typeof PACER_SYSTEM;
export const SYSTEM_NAMES: readonly SystemName[] = [REDIS_CLUSTER, MYSQL_CLUSTER, PACER_SYSTEM];

export interface Decoy {
  readonly queue: string;
  /** Its one job, PENDING, untouched by the suite. */
  readonly descriptor: string;
}

export interface RoutedSystems {
  /** Each system by its name in the routing table, as its profile built it (a direct view of it). */
  readonly systems: ReadonlyMap<SystemName, ProfileSystem>;
  /** The routing table, with the operator's session and store. */
  readonly table: RoutingTableFixture;
  /** The systems as a routing gateway's config names them (backend JSON files in a temp dir). */
  readonly legacyClusters: readonly LegacyClusterConfig[];
  readonly pacer: PacerSystemConfig;
  /** The routing config file's path (informational: the config is passed as an object). */
  readonly configFile: string;
  readonly decoys: ReadonlyMap<SystemName, Decoy>;
}

/** Who the operator is in the records the conformance suite writes (`changedBy`). */
export const CONFORMANCE_OPERATOR = 'conformance-operator';

interface Built {
  readonly set: RoutedSystems;
  close(): Promise<void>;
}

/** The namespace the shared systems are built in (their monitors never run: gateways run their own). */
const SYSTEMS_NS: ConformanceNamespace = { label: 'routing:systems', monitor: {} };

let shared: Promise<Built> | undefined;

/** The file's set of systems: built by the first routing block that needs it, closed at the file's end. */
export async function routedSystems(): Promise<RoutedSystems> {
  if (shared === undefined) {
    const building = buildRoutedSystems(SYSTEMS_NS);
    shared = building;
    atFileEnd(async () => {
      const built = await building.catch(() => undefined); // a failed build cleaned up after itself
      await built?.close();
    });
  }
  return (await shared).set;
}

/** The system a record routes its queue to. */
export function systemOfRecord(record: Pick<RoutingRecord, 'mode' | 'legacyCluster'>): string {
  return record.mode === 'legacy' ? (record.legacyCluster ?? '(legacy without a cluster)') : PACER_SYSTEM;
}

/**
 * What is wrong with where queues are, read on every system directly and in the routing table:
 * a queue on a system its record does not name, on two systems, or without a record; a record of
 * gateway `gatewayId` (what it created for a new queue) naming another system than `expected`;
 * a decoy whose job is gone or changed. Empty when everything is where it should be.
 */
export async function placementProblems(set: RoutedSystems, gateway?: { id: string; expected: SystemName }): Promise<string[]> {
  const problems: string[] = [];
  const listing = await set.table.store.list();
  for (const bad of listing.invalid) problems.push(`routing record of ${bad.queue} does not parse: ${bad.error}`);
  const records = new Map(listing.records.map((r) => [r.queue, r]));
  const holders = new Map<string, string[]>();
  for (const [name, system] of set.systems) {
    for (const queue of await system.instance.backend.getQueueNames()) holders.set(queue, [...(holders.get(queue) ?? []), name]);
  }
  for (const [queue, on] of holders) {
    const record = records.get(queue);
    if (record === undefined) problems.push(`queue ${queue} is on ${on.join(' and ')} without a routing record`);
    else if (on.length !== 1 || on[0] !== systemOfRecord(record)) problems.push(`queue ${queue} is on ${on.join(' and ')}, its record routes it to ${systemOfRecord(record)}`);
  }
  if (gateway !== undefined) {
    for (const record of listing.records) {
      if (record.changedBy === `gateway:${gateway.id}` && systemOfRecord(record) !== gateway.expected) {
        problems.push(`gateway ${gateway.id} recorded queue ${record.queue} on ${systemOfRecord(record)}, not at its default destination ${gateway.expected}`);
      }
    }
  }
  for (const [name, decoy] of set.decoys) {
    const info = (await backendOf(set, name).lookupJobs({ descriptors: [decoy.descriptor], includeBody: true })).get(decoy.descriptor);
    if (info?.state !== JobState.PENDING || info.body?.toString() !== 'decoy') problems.push(`decoy job ${decoy.descriptor} on ${name} changed: ${JSON.stringify(info ?? null)}`);
  }
  return problems;
}

/** The system's own backend (the direct view). */
export function backendOf(set: RoutedSystems, name: SystemName): PinLaterBackend {
  const system = set.systems.get(name);
  if (system === undefined) throw new Error(`no system ${name}`);
  return system.instance.backend;
}

async function buildRoutedSystems(ns: ConformanceNamespace): Promise<Built> {
  const [redis, mysql, pacer, table] = await Promise.allSettled([buildLegacyRedisSystem(ns), buildLegacyMysqlSystem(ns), buildPacerSystem(ns), routingTable()]);
  const cleanups = [redis, mysql, pacer].flatMap((r) => (r.status === 'fulfilled' ? [() => r.value.instance.cleanup()] : []));
  let dir: string | undefined;
  // The systems at once (each removes its own namespace), then the routing table.
  const close = async (): Promise<void> => {
    const results: Array<PromiseSettledResult<unknown>> = await Promise.allSettled(cleanups.splice(0).map((cleanup) => cleanup()));
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    if (table.status === 'fulfilled') results.push(...(await Promise.allSettled([table.value.release()])));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  };
  try {
    const systems = new Map<SystemName, ProfileSystem>([[REDIS_CLUSTER, built(redis)], [MYSQL_CLUSTER, built(mysql)], [PACER_SYSTEM, built(pacer)]]);
    const configDir = mkdtempSync(join(tmpdir(), 'conformance-routing-'));
    dir = configDir;
    const file = (name: string, content: unknown): string => {
      const path = join(configDir, name);
      writeFileSync(path, JSON.stringify(content));
      return path;
    };
    const legacyCluster = (name: SystemName, backend: LegacyClusterConfig['backend']): LegacyClusterConfig => {
      const system = systems.get(name) as ProfileSystem;
      return {
        name, backend, backendConfig: system.backendConfig, backendConfigPath: file(`${name}.json`, system.backendConfig),
        propertiesPath: join(configDir, `${name}.properties`), settings: system.settings,
      };
    };
    const pacerConfig = built(pacer).backendConfig;
    const decoys = new Map<SystemName, Decoy>();
    const set: RoutedSystems = {
      systems,
      table: built(table),
      legacyClusters: [legacyCluster(REDIS_CLUSTER, 'legacy-redis'), legacyCluster(MYSQL_CLUSTER, 'legacy-mysql')],
      pacer: { backendConfig: pacerConfig, backendConfigPath: file('pacer.json', pacerConfig) },
      configFile: join(configDir, 'routing.json'),
      decoys,
    };
    for (const [name, decoy] of await Promise.all(SYSTEM_NAMES.map(async (name) => [name, await placeDecoy(set, name)] as const))) decoys.set(name, decoy);
    return { set, close };
  } catch (e) {
    await close().catch(() => undefined);
    throw e;
  }
}

function built<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

/** A queue the operator routes to `name`, created there directly, with one pending job. */
async function placeDecoy(set: RoutedSystems, name: SystemName): Promise<Decoy> {
  const queue = `decoy_${randomAlnum(8)}`;
  const change = name === PACER_SYSTEM ? { mode: 'pacer' as const, legacyCluster: null } : { mode: 'legacy' as const, legacyCluster: name };
  await set.table.store.write(queue, { ...change, changedBy: CONFORMANCE_OPERATOR, reason: 'conformance decoy' }, 0);
  const backend = backendOf(set, name);
  await backend.createQueue(queue);
  const [descriptor] = await backend.enqueueJobs({ queue, jobs: [{ body: Buffer.from('decoy'), priority: 1, attemptsAllowed: 1, customStatus: '' }] });
  if (descriptor === undefined) throw new Error(`decoy ${queue}: enqueue on ${name} returned no descriptor`);
  return { queue, descriptor };
}
