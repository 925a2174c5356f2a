/**
 * `finalize --delete-legacy` deletes the queue from its legacy cluster, which PinLater allows only
 * with its admin password: deleteQueue's password must hash (gateway/index.ts `isAdminPassword`:
 * SHA-256 of password + PinLater's salt, FACTS §3.4) to the cluster's ADMIN_PASSWORD_HASH, read
 * from the cluster's PinLater properties named by the routing config. The password comes from a
 * file (`--admin-password-file`; one trailing line break is dropped), never the command line. An
 * absent or empty hash refuses every password, as in PinLater.
 */
import { readFileSync } from 'node:fs';
import type { LegacyClusterConfig } from '../../../gateway/index';
import { CliFailure } from './cli-failure';
import { gatewayEntry } from './lazy-entries';

const HASH_PROPERTY = 'ADMIN_PASSWORD_HASH';

/** Throws PERMISSION_DENIED unless the file holds the cluster's admin password. */
export function requireLegacyAdminPassword(cluster: LegacyClusterConfig, passwordFile: string): void {
  const password = readText(passwordFile, 'the admin password file').replace(/\r?\n$/, '');
  const { parseProperties, isAdminPassword } = gatewayEntry();
  const hash = parseProperties(readText(cluster.propertiesPath, `the properties of ${cluster.name}`)).get(HASH_PROPERTY)?.trim() || undefined;
  if (hash === undefined) {
    throw new CliFailure('PERMISSION_DENIED', `${cluster.propertiesPath} sets no ${HASH_PROPERTY}: PinLater refuses every deleteQueue of ${cluster.name}, and so does --delete-legacy; nothing was done`);
  }
  if (!isAdminPassword(password, hash)) {
    throw new CliFailure('PERMISSION_DENIED', `the password in ${passwordFile} is not the admin password of ${cluster.name} (${HASH_PROPERTY} of ${cluster.propertiesPath}); nothing was done`);
  }
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliFailure('ERROR', `cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
