/**
 * The systems behind the gateways, built from the routing config exactly as a routing gateway
 * builds them (gateway/index.ts `buildBackend`, the same backend JSON and properties), so the CLI
 * sees the queues and jobs the gateways serve. Differences, because this is a short-lived tool:
 * the legacy clusters' monitors are off (no GC or timeout sweeps from an operator's shell), and
 * Pacer takes the legacy clusters' priority levels (the routing config requires every system to
 * have the same; a Pacer-only config falls back to PinLater's default, 3).
 */
import { coerceError } from '../../../core/src/errors/coerce-error';
import { PACER_SYSTEM } from '../../../core/src/routing/routing-backend';
import type { PinLaterBackend } from '../../../core/src/interfaces/pinlater-backend';
import { MemoryStats } from '../../../core/src/interfaces/stats';
import type { Logger } from '../../../core/src/logging/logger';
import { DEFAULT_LEGACY_SETTINGS, type LegacyBackendSettings } from '../../../core/src/types/legacy-backend-options';
import { systemClock } from '../../../core/src/util/clock';
import type { RoutingGatewayConfig } from '../../../gateway/index';
import { gatewayEntry } from './lazy-entries';
import type { ResourceStack } from './resource-stack';

/** Every configured system by name: the legacy cluster names, and `pacer`. */
export class Systems {
  constructor(readonly byName: ReadonlyMap<string, PinLaterBackend>) {}

  names(): string[] {
    return [...this.byName.keys()];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  get(name: string): PinLaterBackend {
    const backend = this.byName.get(name);
    if (backend === undefined) throw new Error(`system '${name}' is not configured`);
    return backend;
  }
}

/** The names a routing config gives its systems (legacy clusters, then `pacer` when configured). */
export function configuredSystemNames(config: RoutingGatewayConfig): string[] {
  return [...config.legacyClusters.map((c) => c.name), ...(config.pacer === undefined ? [] : [PACER_SYSTEM])];
}

/**
 * Builds every system at once; each is registered in `resources` as soon as it exists (closed when
 * the command ends, also when another one failed to build).
 */
export async function openSystems(config: RoutingGatewayConfig, resources: ResourceStack, logger: Logger): Promise<Systems> {
  const { buildBackend } = gatewayEntry();
  const stats = new MemoryStats();
  const builds = config.legacyClusters.map(async (cluster): Promise<[string, PinLaterBackend]> => {
    const settings = quiet(cluster.settings);
    const backend = await buildBackend({ kind: cluster.backend, backendConfig: cluster.backendConfig, backendConfigPath: cluster.backendConfigPath, settings, logger: logger.child({ system: cluster.name }), stats, clock: systemClock });
    return [cluster.name, resources.track(`legacy cluster ${cluster.name}`, backend)];
  });
  if (config.pacer !== undefined) {
    const { backendConfig, backendConfigPath } = config.pacer;
    const settings = quiet(config.legacyClusters[0]?.settings ?? DEFAULT_LEGACY_SETTINGS);
    builds.push(buildBackend({ kind: 'pacer', backendConfig, backendConfigPath, settings, logger: logger.child({ system: PACER_SYSTEM }), stats, clock: systemClock })
      .then((backend): [string, PinLaterBackend] => [PACER_SYSTEM, resources.track('pacer', backend)]));
  }
  const settled = await Promise.allSettled(builds.map((build, i) => build.catch((e: unknown) => {
    throw new Error(`cannot open system ${configuredSystemNames(config)[i] ?? '?'}: ${coerceError(e).message}`, { cause: e });
  })));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return new Systems(new Map(settled.map((s) => (s as PromiseFulfilledResult<[string, PinLaterBackend]>).value)));
}

function quiet(settings: LegacyBackendSettings): LegacyBackendSettings {
  return { ...settings, monitor: { ...settings.monitor, enabled: false } };
}
