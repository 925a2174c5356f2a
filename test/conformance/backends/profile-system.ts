/**
 * A system a profile built in a fresh namespace, with what a gateway is configured with to reach
 * it: the routing profiles (routing.ts) put the three systems behind a routing gateway composed
 * from these, exactly as `--routing-config` names each system (its backend JSON and the backend
 * part of its properties), and keep the profile's own backend as a direct view of the system.
 */
import type { LegacyBackendSettings } from '../../../core/src/types/legacy-backend-options';
import type { BackendInstance } from '../harness/backend-profile';

export interface ProfileSystem {
  /** The profile's backend over the namespace, and the cleanup that removes the namespace. */
  readonly instance: BackendInstance;
  /** The system's backend JSON, as a gateway's `--backend-config` file holds it. */
  readonly backendConfig: unknown;
  /** The backend part of its properties (for Pacer: priority levels and monitor timing). */
  readonly settings: LegacyBackendSettings;
}
