/**
 * jest `globalSetup` of the integration and conformance projects: waits (bounded) until Redis,
 * MariaDB and ZooKeeper answer on 127.0.0.1 and fails the run with a clear message otherwise.
 * It does NOT start them: `bash scripts/services.sh start` (run by scripts/test.sh) does.
 */
import { waitForServices } from './service-health';

const SERVICES_TIMEOUT_MS = 30_000;

export default async function globalSetup(): Promise<void> {
  await waitForServices({ timeoutMs: SERVICES_TIMEOUT_MS });
}
