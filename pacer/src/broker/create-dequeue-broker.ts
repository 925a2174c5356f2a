import type { Pool } from 'mysql2/promise';
import type { Clock } from '../../../core/src/util/clock';
import { systemClock } from '../../../core/src/util/clock';
import type { Logger } from '../../../core/src/logging/logger';
import { silentLogger } from '../../../core/src/logging/logger';
import { createMysqlPool, type MysqlConnectionConfig } from '../datastore/mysql-pool';
import { PINLATER_MONITOR_DEFAULTS, type MonitorSettings } from '../datastore/partition-monitor';
import { BROKER_DEFAULTS } from '../config';
import { DequeueBroker, HELD_LEASE_SWEEP_EVERY_MS } from './dequeue-broker';
import { noopBrokerInstruments, type BrokerInstruments } from './broker-instruments';
import type { BufferSettings } from './owned-partition';
import { DEFAULT_CLAIM_MODE, type ClaimMode } from './claim-batcher';

export interface CreateDequeueBrokerOptions {
  brokerId: string;
  /** Connection settings (the broker opens and closes its own pool) or an existing pool. */
  mysql: Omit<MysqlConnectionConfig, 'connectionLimit' | 'connectTimeoutMs'> & Partial<MysqlConnectionConfig> | { pool: Pool };
  buffer?: Partial<BufferSettings>;
  safetySweepMs?: number;
  /** The held-lease sweep's period and age (ms; default HELD_LEASE_SWEEP_EVERY_MS, dequeue-broker.ts). */
  heldLeaseSweepMs?: number;
  /** Every Nth safety sweep re-reads every owned partition (the others probe for changes). */
  fullSweepEvery?: number;
  monitor?: Partial<MonitorSettings & { periodMs: number; enabled: boolean }>;
  autoAssign?: boolean;
  clock?: Clock;
  logger?: Logger;
  /** OpenTelemetry instruments from the process's meter; default: no-op (nothing exported). */
  instruments?: BrokerInstruments;
  /** Claim leases (default) or per-job claims (claim-batcher.ts). */
  claims?: ClaimMode;
  /**
   * Lease mode: whether leases may be written now (a cluster broker: every live broker honours
   * them, coordination/lease-capable-cluster.ts); per-job claims while not. Default: always.
   */
  leasesAllowed?: () => boolean;
}

/** A dequeue broker with PinLater's monitor defaults; owns nothing until `assign` (or autoAssign). */
export function createDequeueBroker(options: CreateDequeueBrokerOptions): DequeueBroker {
  const ownsPool = !('pool' in options.mysql);
  const pool = 'pool' in options.mysql
    ? options.mysql.pool
    : createMysqlPool({ connectionLimit: 10, connectTimeoutMs: 5000, ...options.mysql });
  return new DequeueBroker({
    brokerId: options.brokerId,
    pool,
    ownsPool,
    clock: options.clock ?? systemClock,
    logger: (options.logger ?? silentLogger()).child({ brokerId: options.brokerId }),
    buffer: {
      capacityPerPriority: options.buffer?.capacityPerPriority ?? BROKER_DEFAULTS.capacityPerPriority,
      lowWater: options.buffer?.lowWater ?? BROKER_DEFAULTS.lowWater,
    },
    safetySweepMs: options.safetySweepMs ?? BROKER_DEFAULTS.safetySweepMs,
    heldLeaseSweepMs: options.heldLeaseSweepMs ?? HELD_LEASE_SWEEP_EVERY_MS,
    fullSweepEvery: options.fullSweepEvery ?? BROKER_DEFAULTS.fullSweepEvery,
    monitor: { ...PINLATER_MONITOR_DEFAULTS, enabled: true, ...options.monitor },
    autoAssign: options.autoAssign ?? false,
    instruments: options.instruments ?? noopBrokerInstruments(),
    claims: options.claims ?? DEFAULT_CLAIM_MODE,
    leasesAllowed: options.leasesAllowed ?? (() => true),
  });
}
