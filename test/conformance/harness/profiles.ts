/**
 * Every backend profile of the conformance suite, and the ones this run selects
 * (`CONFORMANCE_BACKENDS=legacy-redis,routing-pacer`, read through test/support/test-env.ts).
 */
import { conformanceBackendFilter } from '../../support/test-env';
import { legacyMysqlProfile } from '../backends/legacy-mysql';
import { legacyRedisProfile } from '../backends/legacy-redis';
import { pacerPerJobProfile, pacerProfile } from '../backends/pacer';
import { ROUTING_PROFILES } from '../backends/routing';
import type { BackendProfile } from './backend-profile';

/**
 * Each system on its own (Pacer in both claim modes), then the routing gateway with the suite's
 * queues on each system (backends/routing.ts).
 */
export const ALL_PROFILES: readonly BackendProfile[] = [legacyRedisProfile, legacyMysqlProfile, pacerProfile, pacerPerJobProfile, ...ROUTING_PROFILES];

/** The profiles to run; an unknown name in CONFORMANCE_BACKENDS is an error, not an empty run. */
export function selectedProfiles(filter = conformanceBackendFilter()): BackendProfile[] {
  if (filter === undefined) return [...ALL_PROFILES];
  const known = new Map(ALL_PROFILES.map((p) => [p.name, p]));
  const unknown = filter.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new Error(
      `CONFORMANCE_BACKENDS names unknown profiles: ${unknown.join(', ')} (known: ${[...known.keys()].join(', ')})`,
    );
  }
  return filter.map((name) => known.get(name) as BackendProfile);
}

/** One profile by name, ignoring CONFORMANCE_BACKENDS (e.g. the Python client check runs on Redis). */
export function profileNamed(name: string): BackendProfile {
  const profile = ALL_PROFILES.find((p) => p.name === name);
  if (!profile) throw new Error(`no conformance profile named '${name}'`);
  return profile;
}
