import type { AliasResolver } from '../../core/src/migration/move-ledger';
import type { Clock } from '../../core/src/util/clock';
import { createMysqlPool, MoveLedgerStore, parsePacerBackendConfig } from '../../pacer/index';

/** Connections of the ledger's own pool: only lookups that miss reach it. */
const LEDGER_CONNECTIONS = 2;
const CONNECT_TIMEOUT_MS = 5000;

export interface ClosableAliasResolver extends AliasResolver {
  close(): Promise<void>;
}

/**
 * The migration's move ledger (Pacer's `job_moves`, pacer/index.ts `MoveLedgerStore`) as a routing
 * gateway's alias resolver (core/src/routing/alias-lookup.ts): lookups of descriptors whose jobs
 * the copier moved find them where they are now. Its own small pool on Pacer's database, from
 * Pacer's backend JSON (the Pacer backend keeps its pool to itself); the pool connects on first
 * use, and `close` ends it (the routing backend closes it with itself).
 */
export function openMoveLedgerResolver(pacerBackendConfig: unknown, clock: Clock): ClosableAliasResolver {
  const { mysql } = parsePacerBackendConfig(pacerBackendConfig);
  const pool = createMysqlPool({ ...mysql, connectionLimit: Math.min(LEDGER_CONNECTIONS, mysql.connectionLimit), connectTimeoutMs: CONNECT_TIMEOUT_MS });
  const ledger = new MoveLedgerStore(pool, clock);
  return {
    resolve: (descriptors) => ledger.resolve(descriptors),
    close: () => pool.end(),
  };
}
