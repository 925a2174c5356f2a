/**
 * A RoutingBackend (core/src/routing/routing-backend.ts) as the integration tests build it over
 * real systems: the system clock, a silent logger, stats in memory (unless the test reads its
 * own), and discovery that re-reads the queue lists on every miss (`queueIndexMissRefreshMs` 0),
 * so that a queue a test just created on a system is found at once.
 *
 *   router = testRoutingBackend({ legacy: new Map([['redis-a', redis.backend]]), pacer, routes, defaultDestination: { mode: 'pacer' } });
 */
import { MemoryStats, type Stats } from '../../core/src/interfaces/stats';
import { silentLogger } from '../../core/src/logging/logger';
import { RoutingBackend, type RoutingBackendOptions } from '../../core/src/routing/routing-backend';
import { systemClock } from '../../core/src/util/clock';

export type TestRoutingBackendOptions = Omit<RoutingBackendOptions, 'clock' | 'logger' | 'stats' | 'queueIndexMissRefreshMs'> & { readonly stats?: Stats };

export function testRoutingBackend(options: TestRoutingBackendOptions): RoutingBackend {
  return new RoutingBackend({ clock: systemClock, logger: silentLogger(), stats: new MemoryStats(), queueIndexMissRefreshMs: 0, ...options });
}
