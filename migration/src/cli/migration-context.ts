/**
 * What every migration command (plan, migrate …, rollback, verify, finalize) opens and reads: the
 * config, the routing table (authenticated as the operator for commands that write, checked
 * before anything is done), the systems, the migration rows and the move ledger in Pacer's
 * database; and one queue's record, holders and migration row. Everything opened is registered in
 * the command's resources and closed by main.ts.
 */
import type { Command } from 'commander';
import type { Logger } from '../../../core/src/logging/logger';
import type { MigrationRow } from '../../../core/src/migration/migration-state';
import { DEFAULT_LEGACY_SETTINGS } from '../../../core/src/types/legacy-backend-options';
import { isValidQueueName } from '../../../core/src/types/queue-name';
import { systemClock, type Clock } from '../../../core/src/util/clock';
import type { RoutingGatewayConfig } from '../../../gateway/index';
import { RoutingRecordError, type RoutingRecord } from '../routing/routing-record';
import type { RoutingStore } from '../routing/routing-store';
import { loadOpsConfig, operatorCredential } from './cli-config';
import type { CliContext } from './cli-context';
import { CliFailure } from './cli-failure';
import { commandLogger, globalOptions } from './command-context';
import { takeCensus, type QueueCensus } from './job-census';
import { openMigrationStores, type MigrationStores } from './migration-stores';
import { field } from './output-format';
import { discoverQueues } from './queue-discovery';
import { connectRouting } from './routing-connection';
import { openSystems, type Systems } from './system-backends';

/** The routing table and the systems. */
export interface SystemsContext {
  readonly config: RoutingGatewayConfig;
  readonly logger: Logger;
  readonly store: RoutingStore;
  readonly systems: Systems;
  readonly numPriorityLevels: number;
  readonly clock: Clock;
}

/** The routing table, the systems, and the migration state in Pacer's database. */
export interface MigrationContext extends SystemsContext, MigrationStores {}

/** One queue as the migration commands see it. */
export interface QueueMigrationState {
  readonly queue: string;
  /** The parsed record; undefined when there is none or it does not parse (`unreadable`). */
  readonly record: RoutingRecord | undefined;
  readonly unreadable: boolean;
  /** The systems where the queue exists now. */
  readonly holders: readonly string[];
  /** The queue's migration row (its current or last migration), if any. */
  readonly row: MigrationRow | undefined;
}

/** Refuses a queue name PinLater would not take (USAGE). */
export function requireQueueName(queue: string): void {
  if (!isValidQueueName(queue)) throw new CliFailure('USAGE', `'${field(queue)}' is not a PinLater queue name (1-255 of [A-Za-z0-9_])`);
}

/**
 * Opens what a migration command needs (REFUSED when the config has no Pacer). `write`: the
 * operator credential from the environment is required and checked against the routing table
 * first (requireOperator), as `route` does.
 */
export async function openMigrationContext(ctx: CliContext, command: Command, options: { write: boolean }): Promise<MigrationContext> {
  const base = await openSystemsContext(ctx, command, options);
  return { ...base, ...openMigrationStores(base.config, ctx.resources, base.logger) };
}

/** The routing table and the systems only (`plan` of a config without Pacer still counts). */
export async function openSystemsContext(ctx: CliContext, command: Command, options: { write: boolean }): Promise<SystemsContext> {
  const globals = globalOptions(command);
  const logger = commandLogger(globals);
  const config = loadOpsConfig(globals.config, ctx.environment);
  const credential = options.write ? operatorCredential(ctx.environment) : undefined;
  const { store } = await connectRouting(ctx, globals, config.table, { logger, ...(credential === undefined ? {} : { credential }) });
  const systems = await openSystems(config, ctx.resources, logger);
  return { config, logger, store, systems, numPriorityLevels: numPriorityLevelsOf(config), clock: systemClock };
}

/** The priority levels every system of the config has (the config requires them equal). */
export function numPriorityLevelsOf(config: RoutingGatewayConfig): number {
  return (config.legacyClusters[0]?.settings ?? DEFAULT_LEGACY_SETTINGS).numPriorityLevels;
}

/** The queue's record, holders and migration row (`states` undefined: no Pacer, so no row). */
export async function readQueueState(m: SystemsContext, states: MigrationStores['states'] | undefined, queue: string): Promise<QueueMigrationState> {
  const [found, holders, row] = await Promise.all([readRecord(m.store, queue), discoverQueues(m.systems), states?.get(queue)]);
  return { queue, ...found, holders: holders.get(queue) ?? [], row };
}

async function readRecord(store: RoutingStore, queue: string): Promise<{ record: RoutingRecord | undefined; unreadable: boolean }> {
  try {
    return { record: await store.read(queue), unreadable: false };
  } catch (e) {
    if (e instanceof RoutingRecordError) return { record: undefined, unreadable: true };
    throw e;
  }
}

/** Exact counts of the queue on one configured system (job-census.ts), stopping between pages on a stop request. */
export function censusOf(ctx: CliContext, m: SystemsContext, system: string, queue: string): Promise<QueueCensus> {
  return takeCensus(system, m.systems.get(system), queue, { numPriorityLevels: m.numPriorityLevels, clock: m.clock, checkpoint: () => ctx.interruption.checkpoint() });
}

/** A record as one phrase: `legacy on redis-a`, `shadow on redis-a (…)`, `migrating to-pacer (redis-a)`, `pacer (from redis-a)`. */
export function describeRecord(record: RoutingRecord | undefined, unreadable = false): string {
  if (record === undefined) return unreadable ? 'a record that does not parse' : 'no record';
  if (record.mode === 'legacy') return `legacy on ${field(record.legacyCluster)}`;
  if (record.mode === 'shadow') return `shadow on ${field(record.legacyCluster)} (shadow copies in pacer)`;
  if (record.mode === 'migrating') return `migrating ${record.direction ?? '?'} (legacy cluster ${field(record.legacyCluster)})`;
  return record.legacyCluster === null ? record.mode : `${record.mode} (from ${field(record.legacyCluster)})`;
}
