/**
 * A RoutingBackend (core/src/routing/routing-backend.ts) over two in-memory systems, for the
 * routing backend's unit specs: `legacy` (cluster `legacy-a`, descriptors `<queue>:s1:…`) and
 * `pacer` (descriptors `<queue>:s900:…`, the only ones it owns), routed by an in-process table.
 * The systems are InMemoryBackend: they record every call (`calls`) and answer with the minimal
 * semantics it documents; what reaches which system is what these specs check.
 */
import type { PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import { MemoryStats } from '../../core/src/interfaces/stats';
import { silentLogger } from '../../core/src/logging/logger';
import type { AliasResolver } from '../../core/src/migration/move-ledger';
import { MemoryRouteSource } from '../../core/src/routing/memory-route-source';
import type { QueueRoute } from '../../core/src/routing/queue-route';
import { RoutingBackend } from '../../core/src/routing/routing-backend';
import type { NewJob } from '../../core/src/types/job';
import { systemClock } from '../../core/src/util/clock';
import { InMemoryBackend } from './in-memory-backend';

export const LEGACY_CLUSTER = 'legacy-a';

export interface TwoSystemRouter {
  readonly legacy: InMemoryBackend;
  readonly pacer: InMemoryBackend;
  readonly routes: MemoryRouteSource;
  readonly stats: MemoryStats;
  readonly router: RoutingBackend;
}

export function twoSystemRouter(options: { aliases?: AliasResolver } = {}): TwoSystemRouter {
  const legacy = new InMemoryBackend({ shard: '1' });
  const pacer = new InMemoryBackend({ shard: '900' });
  const routes = new MemoryRouteSource();
  const stats = new MemoryStats();
  const router = new RoutingBackend({
    legacy: new Map<string, PinLaterBackend>([[LEGACY_CLUSTER, legacy]]),
    pacer,
    routes,
    defaultDestination: { mode: 'pacer' },
    clock: systemClock,
    logger: silentLogger(),
    stats,
    ...(options.aliases === undefined ? {} : { aliases: options.aliases }),
  });
  return { legacy, pacer, routes, stats, router };
}

export const migrating = (direction: 'to-pacer' | 'to-legacy'): QueueRoute => ({ mode: 'migrating', legacyCluster: LEGACY_CLUSTER, direction });

/** A job whose body says where it was put (`S1a`: side S, priority 1, job a). */
export function tagged(body: string, priority: number, runAfterMs?: number): NewJob {
  return { body: Buffer.from(body), priority, attemptsAllowed: 3, customStatus: '', ...(runAfterMs === undefined ? {} : { runAfterMs }) };
}

/** The methods a system was called with, in order (its call log). */
export function methodsCalled(system: InMemoryBackend): string[] {
  return system.calls.map((c) => c.method);
}
