/**
 * The routing operator's credential: the ZooKeeper digest identity (`user:password`) that alone may
 * change the routing table (routing-acl.ts). Read from the environment, never from a command-line
 * flag value (a flag lands in shell history and in every `ps` listing):
 *
 * - `PINLATER_ROUTING_CREDENTIAL_FILE`: path of a file holding `user:password` (one line; the
 *   preferred form: a mounted secret, mode 0600);
 * - `PINLATER_ROUTING_CREDENTIAL`: the `user:password` itself.
 *
 * Exactly one of them; validated once, like every configuration (core/src/config/parse-config.ts),
 * by the process that needs it (the operator CLI). Gateways need no credential: they never write.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseConfig } from '../../../core/src/config/parse-config';
import { DigestCredential, DigestCredentialError } from '../../../core/src/zookeeper/zk-acl';

export const CREDENTIAL_FILE_VARIABLE = 'PINLATER_ROUTING_CREDENTIAL_FILE';
export const CREDENTIAL_VARIABLE = 'PINLATER_ROUTING_CREDENTIAL';

/** Reads a credential file; injected so tests need no file system tricks. */
export type ReadTextFile = (path: string) => string;

const readUtf8: ReadTextFile = (path) => readFileSync(path, 'utf8');

function credentialSchema(readFile: ReadTextFile) {
  const optional = z.string().optional().transform((v) => (v === '' ? undefined : v));
  return z
    .object({ [CREDENTIAL_FILE_VARIABLE]: optional, [CREDENTIAL_VARIABLE]: optional })
    .transform((env, ctx): DigestCredential => {
      const file = env[CREDENTIAL_FILE_VARIABLE];
      const inline = env[CREDENTIAL_VARIABLE];
      if (file !== undefined && inline !== undefined) {
        ctx.addIssue({ code: 'custom', message: `set ${CREDENTIAL_FILE_VARIABLE} or ${CREDENTIAL_VARIABLE}, not both` });
        return z.NEVER;
      }
      if (file === undefined && inline === undefined) {
        ctx.addIssue({ code: 'custom', message: `the routing operator credential is required: set ${CREDENTIAL_FILE_VARIABLE} (a file holding user:password) or ${CREDENTIAL_VARIABLE}` });
        return z.NEVER;
      }
      const where = file === undefined ? CREDENTIAL_VARIABLE : CREDENTIAL_FILE_VARIABLE;
      try {
        return DigestCredential.parse(file === undefined ? (inline as string) : readFile(file));
      } catch (e) {
        const detail = e instanceof DigestCredentialError ? e.message : `cannot read ${file ?? ''}: ${(e as Error).message}`;
        ctx.addIssue({ code: 'custom', message: detail, path: [where] });
        return z.NEVER;
      }
    });
}

/**
 * The operator credential from `env` (a process's environment); throws `ConfigError` naming the
 * variable and the problem, never the password.
 */
export function loadOperatorCredential(env: Readonly<Record<string, string | undefined>>, readFile: ReadTextFile = readUtf8): DigestCredential {
  return parseConfig('routing operator credential', credentialSchema(readFile), env);
}
