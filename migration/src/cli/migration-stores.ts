/**
 * The migration's state in Pacer's database as the operator commands reach it: the per-queue
 * migration rows (`MigrationStates`, table `queue_migrations`) and the move ledger (`MoveLedger`,
 * table `job_moves`), both Pacer's stores (pacer/index.ts), over one small pool built from the
 * `mysql` section of the routing config's Pacer backend JSON, the database the gateways' Pacer and
 * the copier use. The pool is closed with the command's other resources.
 */
import type { Logger } from '../../../core/src/logging/logger';
import type { MigrationStates } from '../../../core/src/migration/migration-state';
import type { MoveLedger } from '../../../core/src/migration/move-ledger';
import { systemClock, type Clock } from '../../../core/src/util/clock';
import type { RoutingGatewayConfig } from '../../../gateway/index';
import { CliFailure } from './cli-failure';
import { pacerEntry } from './lazy-entries';
import type { ResourceStack } from './resource-stack';

export interface MigrationStores {
  readonly states: MigrationStates;
  readonly ledger: MoveLedger;
}

/** An operator command runs a few statements at a time. */
const CONNECTION_LIMIT = 2;
const CONNECT_TIMEOUT_MS = 5000;

/**
 * Builds the stores; refuses (REFUSED) when the config has no Pacer: a migration's state lives in
 * Pacer's database, so without it no queue can be migrating.
 */
export function openMigrationStores(
  config: RoutingGatewayConfig, resources: ResourceStack, logger: Logger, clock: Clock = systemClock,
  /** Connections of the pool (an operator command: 2; the copier: more, one queue's batches each). */
  connectionLimit = CONNECTION_LIMIT,
): MigrationStores {
  if (config.pacer === undefined) {
    throw new CliFailure('REFUSED', 'the routing config has no Pacer: migrations move queues to Pacer and keep their state in its database');
  }
  const pacer = pacerEntry();
  const { mysql } = pacer.parsePacerBackendConfig(config.pacer.backendConfig);
  const pool = pacer.createMysqlPool({ ...mysql, connectionLimit: Math.min(connectionLimit, mysql.connectionLimit), connectTimeoutMs: CONNECT_TIMEOUT_MS });
  resources.onClose("Pacer database pool (migration state)", () => pool.end());
  logger.debug({ host: mysql.host, port: mysql.port, database: mysql.database }, 'migration stores opened');
  return { states: new pacer.MigrationStateStore(pool, clock), ledger: new pacer.MoveLedgerStore(pool, clock) };
}
