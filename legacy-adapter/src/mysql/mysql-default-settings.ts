import { DEFAULT_LEGACY_SETTINGS, type LegacyBackendSettings } from '../../../core/src/types/legacy-backend-options';

/**
 * PinLater's MySQL values where they differ from `DEFAULT_LEGACY_SETTINGS` (FACTS §7, §12:
 * `pinlater.local.properties`): 3 auto-retries and a monitor batch of 5000. MYSQL_NUM_DB_PER_QUEUE
 * keeps the code default of 1 (the local properties file ships 4).
 */
export const PINLATER_MYSQL_DEFAULT_SETTINGS: LegacyBackendSettings = {
  ...DEFAULT_LEGACY_SETTINGS,
  autoRetries: 3,
  socketTimeoutMs: 5000,
  monitor: { ...DEFAULT_LEGACY_SETTINGS.monitor, updateMaxSize: 5000 },
  mysql: { ...DEFAULT_LEGACY_SETTINGS.mysql, countLimit: 100_000, numDbPerQueue: 1 },
};
