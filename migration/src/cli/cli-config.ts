/**
 * What `pinlater-ops` reads from its environment and files, each validated once per process
 * (core/src/config/parse-config.ts):
 *
 * - PINLATER_ROUTING_CONFIG: the routing gateway config file (the same file the gateways run with,
 *   gateway/index.ts `loadRoutingConfig`), when `--config <file>` is not given;
 * - the operator credential, for writes only (migration/index.ts `loadOperatorCredential`:
 *   PINLATER_ROUTING_CREDENTIAL_FILE or PINLATER_ROUTING_CREDENTIAL, never a flag);
 * - PINLATER_ROUTING_PREVIOUS_CREDENTIAL_FILE: `setup` only, the credential being rotated out.
 *
 * main.ts reads `process.env` once and hands the snapshot here; nothing else in the CLI reads it.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, parseConfig } from '../../../core/src/config/parse-config';
import { DigestCredential, DigestCredentialError } from '../../../core/src/zookeeper/zk-acl';
import type { RoutingGatewayConfig } from '../../../gateway/index';
import { gatewayEntry } from './lazy-entries';
import { loadOperatorCredential } from '../routing/operator-credential';

export const ROUTING_CONFIG_VARIABLE = 'PINLATER_ROUTING_CONFIG';
export const PREVIOUS_CREDENTIAL_FILE_VARIABLE = 'PINLATER_ROUTING_PREVIOUS_CREDENTIAL_FILE';

export type Environment = Readonly<Record<string, string | undefined>>;

export interface CliEnvironment {
  /** PINLATER_ROUTING_CONFIG (unset or empty: undefined). */
  readonly routingConfigFile: string | undefined;
  /** PINLATER_ROUTING_PREVIOUS_CREDENTIAL_FILE (unset or empty: undefined). */
  readonly previousCredentialFile: string | undefined;
  /** The snapshot, for the loaders that validate their own variables (credential, pacer tools). */
  readonly variables: Environment;
}

const optionalPath = z.string().optional().transform((v) => (v === '' ? undefined : v));

const environmentSchema = z.object({
  [ROUTING_CONFIG_VARIABLE]: optionalPath,
  [PREVIOUS_CREDENTIAL_FILE_VARIABLE]: optionalPath,
});

export function loadCliEnvironment(env: Environment): CliEnvironment {
  const v = parseConfig('pinlater-ops environment', environmentSchema, env);
  return { routingConfigFile: v[ROUTING_CONFIG_VARIABLE], previousCredentialFile: v[PREVIOUS_CREDENTIAL_FILE_VARIABLE], variables: env };
}

/**
 * The routing gateway config named by `--config` (else PINLATER_ROUTING_CONFIG). Pacer's priority
 * levels are not compared here (they come from a gateway's own properties, which the CLI does not
 * read); the legacy clusters' are.
 */
export function loadOpsConfig(configFlag: string | undefined, environment: CliEnvironment): RoutingGatewayConfig {
  const file = configFlag ?? environment.routingConfigFile;
  if (file === undefined) {
    throw new ConfigError('pinlater-ops configuration', [
      `no routing config: give --config <file> or set ${ROUTING_CONFIG_VARIABLE} (the routing gateway config the gateways run with, e.g. config/routing.local.json)`,
    ]);
  }
  return gatewayEntry().loadRoutingConfig(file, { pacerPriorityLevels: undefined });
}

/** The routing operator's credential (writes only); throws ConfigError naming the variable, never the password. */
export function operatorCredential(environment: CliEnvironment): DigestCredential {
  return loadOperatorCredential(environment.variables);
}

/** The credential being rotated out (`setup`), from PINLATER_ROUTING_PREVIOUS_CREDENTIAL_FILE. */
export function previousCredentials(environment: CliEnvironment): DigestCredential[] {
  const file = environment.previousCredentialFile;
  if (file === undefined) return [];
  try {
    return [DigestCredential.parse(readFileSync(file, 'utf8'))];
  } catch (e) {
    const detail = e instanceof DigestCredentialError ? e.message : `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
    throw new ConfigError('routing operator credential', [`${PREVIOUS_CREDENTIAL_FILE_VARIABLE}: ${detail}`]);
  }
}
