/**
 * Settings and plumbing shared by the two legacy profiles: PinLater's shipped defaults with the
 * monitor timer off (tests call `runMonitorOnce()`) and the test file's monitor overrides.
 */
import { createLogger } from '../../../core/src/logging/logger';
import { MemoryStats } from '../../../core/src/interfaces/stats';
import { systemClock } from '../../../core/src/util/clock';
import {
  DEFAULT_LEGACY_SETTINGS,
  type LegacyBackendOptions,
  type LegacyBackendSettings,
} from '../../../core/src/types/legacy-backend-options';
import { testLogLevel } from '../../support/test-env';
import { CONFORMANCE_MONITOR_DEFAULTS, type ConformanceNamespace } from '../harness/backend-profile';

export function legacySettings(ns: ConformanceNamespace, mysql?: Partial<LegacyBackendSettings['mysql']>): LegacyBackendSettings {
  const monitor = { ...CONFORMANCE_MONITOR_DEFAULTS, ...ns.monitor };
  return {
    ...DEFAULT_LEGACY_SETTINGS,
    // Small pools: several backends live in one jest worker.
    connectionsPerShard: 4,
    monitorConnectionsPerShard: 1,
    monitor: { ...DEFAULT_LEGACY_SETTINGS.monitor, ...monitor, enabled: false },
    mysql: { ...DEFAULT_LEGACY_SETTINGS.mysql, ...mysql },
  };
}

export function legacyOptions(ns: ConformanceNamespace, backendConfig: unknown, settings: LegacyBackendSettings): LegacyBackendOptions {
  return {
    backendConfig,
    settings,
    logger: createLogger({ name: `conformance:${ns.label}`, level: testLogLevel() }),
    stats: new MemoryStats(),
    clock: systemClock,
  };
}
