import type { BackendKind, PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import type { Stats } from '../../core/src/interfaces/stats';
import type { Logger } from '../../core/src/logging/logger';
import type { LegacyBackendSettings } from '../../core/src/types/legacy-backend-options';
import type { Clock } from '../../core/src/util/clock';
import { createLegacyMysqlBackend, createLegacyRedisBackend } from '../../legacy-adapter/index';
import { createConfiguredPacerBackend } from '../../pacer/index';
import type { GatewayInstruments } from './telemetry/gateway-instruments';
import { InstrumentedBackend } from './telemetry/instrumented-backend';

export interface BackendBuildInput {
  kind: BackendKind;
  backendConfig: unknown;
  backendConfigPath: string;
  settings: LegacyBackendSettings;
  logger: Logger;
  stats: Stats;
  clock: Clock;
  /** Metrics and spans of this system's operations (instrumented-backend.ts), labelled `system`. */
  telemetry?: { readonly instruments: GatewayInstruments; readonly system: string };
}

type BackendFactory = (input: BackendBuildInput) => Promise<PinLaterBackend>;

/**
 * The composition root's only knowledge of backend implementations: their public entry points
 * (`legacy-adapter/index.ts`, `pacer/index.ts`), never their internals.
 */
const FACTORIES: Record<BackendKind, BackendFactory> = {
  'legacy-redis': (i) => createLegacyRedisBackend(legacyOptions(i)),
  'legacy-mysql': (i) => createLegacyMysqlBackend(legacyOptions(i)),
  pacer: (i) => createConfiguredPacerBackend(i.backendConfig, {
    numPriorityLevels: i.settings.numPriorityLevels,
    monitor: {
      claimTimeoutMs: i.settings.monitor.claimTimeoutMs, succeededTtlMs: i.settings.monitor.succeededTtlMs,
      failedTtlMs: i.settings.monitor.failedTtlMs, updateMaxSize: i.settings.monitor.updateMaxSize, periodMs: i.settings.monitor.periodMs,
    },
    logger: i.logger.child({ backend: i.kind }),
    stats: i.stats,
    clock: i.clock,
  }),
};

export async function buildBackend(input: BackendBuildInput): Promise<PinLaterBackend> {
  const backend = await FACTORIES[input.kind](input);
  return input.telemetry === undefined ? backend : new InstrumentedBackend(backend, input.telemetry.system, input.telemetry.instruments);
}

function legacyOptions(i: BackendBuildInput): Parameters<typeof createLegacyRedisBackend>[0] {
  return {
    backendConfig: i.backendConfig,
    backendConfigPath: i.backendConfigPath,
    settings: i.settings,
    logger: i.logger.child({ backend: i.kind }),
    stats: i.stats,
    clock: i.clock,
  };
}
