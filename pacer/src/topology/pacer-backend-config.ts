import { z } from 'zod';
import { parseConfig } from '../../../core/src/config/parse-config';
import type { StaticDirectoryConfig } from '../api/static-partition-directory';
import { parseEndpoint } from '../api/static-partition-directory';
import { DEFAULT_BODY_REGEX_TIMEOUT_MS } from '../datastore/statement-time-limit';
import { PACER_DEFAULTS } from './pacer-backend-options';
import { CLAIM_MODES, DEFAULT_CLAIM_MODE } from '../broker/claim-batcher';

/**
 * Pacer's backend JSON for the gateway (`--backend pacer --backend-config config/pacer-cluster.local.json`),
 * validated once at startup, every problem reported at once. `mode` names the topology
 * (pacer-backend-options.ts) and decides which one of "zookeeper", "brokers" or "embedded" it
 * takes; a key of another mode, or any unknown key, is an error (a typo must not silently fall
 * back to a default):
 *
 *   {
 *     "mode": "zookeeper",                 // "zookeeper" (production), "static" or "embedded"
 *     "mysql": { "host": "127.0.0.1", "port": 3306, "user": "pacer_gateway", "password": "…",
 *                "database": "pacer_local", "connectionLimit": 20 },
 *     "createDatabase": false,             // create + migrate the database at startup (local setups)
 *     "defaultPartitions": 4,              // partitions of a queue made by createQueue
 *     "countLimit": 100000,                // cap of a getJobCount answer per partition per priority
 *     "brokerCallTimeoutMs": 2000,
 *     "bodyRegexTimeoutMs": 5000,          // server-side time limit of a body-regex count/scan/delete
 *     "claims": "lease",                   // mode "embedded" only: its broker's claim mode (or "per-job");
 *                                          // other modes accept and ignore it (their brokers take PACER_CLAIMS)
 *     "zookeeper": { "connect": "127.0.0.1:2181/pacer", "cluster": "pacer", "sessionTimeoutMs": 6000,
 *                    "readinessGraceMs": 5000 }   // /health: how long a partition may lack a live owner (docs/health.md)
 *   }
 *
 * mode "static": "brokers": { "fallback": "127.0.0.1:9020", "routes": [{ "queue": "q", "partitions": [0, 1],
 * "endpoint": "127.0.0.1:9021" }] } (a fallback or at least one route). mode "embedded":
 * optionally "embedded": { "brokerId": "…" }; the broker runs in the gateway and runs the monitor.
 */
const positiveInt = z.number().int().min(1);

const mysqlSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: positiveInt.max(65535).default(3306),
  user: z.string().default('root'),
  password: z.string().default(''),
  database: z.string().min(1, 'is required (the Pacer database)'),
  connectionLimit: positiveInt.default(20),
});

const endpointSchema = z.string().transform((text, ctx) => {
  try {
    return parseEndpoint(text);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});

const brokersSchema = z
  .strictObject({
    fallback: endpointSchema.optional(),
    routes: z.array(z.strictObject({
      queue: z.string().min(1, 'must be a queue name'),
      partitions: z.array(z.number().int().min(0)).optional(),
      endpoint: endpointSchema,
    })).default([]),
  })
  .refine((b) => b.fallback !== undefined || b.routes.length > 0, 'brokers needs a fallback or at least one route');

const common = {
  mysql: mysqlSchema,
  createDatabase: z.boolean().default(false),
  defaultPartitions: positiveInt.default(PACER_DEFAULTS.defaultPartitions),
  countLimit: positiveInt.default(PACER_DEFAULTS.countLimit),
  brokerCallTimeoutMs: positiveInt.default(PACER_DEFAULTS.brokerCallTimeoutMs),
  bodyRegexTimeoutMs: positiveInt.default(DEFAULT_BODY_REGEX_TIMEOUT_MS),
  claims: z.enum(CLAIM_MODES).default(DEFAULT_CLAIM_MODE),
};

const configSchema = z.discriminatedUnion('mode', [
  z.strictObject({
    ...common,
    mode: z.literal('zookeeper'),
    zookeeper: z.strictObject({ connect: z.string().min(1), cluster: z.string().regex(/^[A-Za-z0-9_.-]+$/).optional(), sessionTimeoutMs: z.number().int().min(1000).optional(),
      readinessGraceMs: z.number().int().min(0).max(600_000).optional() }),
  }),
  z.strictObject({ ...common, mode: z.literal('static'), brokers: brokersSchema }),
  z.strictObject({ ...common, mode: z.literal('embedded'), embedded: z.strictObject({ brokerId: z.string().min(1).optional() }).default({}) }),
], { error: (issue) => (issue.code === 'invalid_union' ? 'must be "zookeeper", "static" or "embedded"' : undefined) });

export type PacerBackendConfig = z.output<typeof configSchema>;

/** Parses and validates the backend JSON; throws one ConfigError listing every problem. */
export function parsePacerBackendConfig(value: unknown): PacerBackendConfig {
  return parseConfig('Pacer backend config', configSchema, value);
}

/** The static directory's configuration, typed as the directory takes it. */
export function staticDirectoryConfig(brokers: z.output<typeof brokersSchema>): StaticDirectoryConfig {
  return { routes: brokers.routes.map((r) => ({ queue: r.queue, endpoint: r.endpoint, ...(r.partitions === undefined ? {} : { partitions: r.partitions }) })), ...(brokers.fallback === undefined ? {} : { fallback: brokers.fallback }) };
}
