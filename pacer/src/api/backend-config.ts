import type { StaticDirectoryConfig, StaticRoute } from './static-partition-directory';
import { parseEndpoint } from './static-partition-directory';
import { DEFAULT_BODY_REGEX_TIMEOUT_MS } from '../datastore/statement-time-limit';

/**
 * Pacer's backend JSON for the gateway (`--backend pacer --backend-config config/pacer.local.json`),
 * validated once at startup:
 *
 *   {
 *     "mysql": { "host": "127.0.0.1", "port": 3306, "user": "root", "password": "", "database": "pacer_local",
 *                "connectionLimit": 20 },
 *     "createDatabase": true,              // create + migrate the database at startup (local setups)
 *     "defaultPartitions": 4,              // partitions of a queue made by createQueue
 *     "brokerCallTimeoutMs": 2000,
 *     "bodyRegexTimeoutMs": 5000,          // server-side time limit of a body-regex count/scan/delete
 *     "brokers": {                         // static partition directory
 *       "fallback": "127.0.0.1:9020",      // broker for every partition no route names
 *       "routes": [{ "queue": "q", "partitions": [0, 1], "endpoint": "127.0.0.1:9021" }]
 *     }
 *   }
 *
 * Instead of "brokers", "zookeeper": { "connect": "127.0.0.1:2181/pacer", "cluster": "pacer" }
 * routes by the cluster's external view.
 */
export interface PacerBackendConfig {
  mysql: { host: string; port: number; user: string; password: string; database: string; connectionLimit: number };
  createDatabase: boolean;
  defaultPartitions: number;
  brokerCallTimeoutMs: number;
  /** Server-side time limit, ms, of a count/scan/delete that runs a body regex (issue 8). */
  bodyRegexTimeoutMs: number;
  brokers?: StaticDirectoryConfig;
  zookeeper?: { connect: string; cluster?: string; sessionTimeoutMs?: number };
}

/** Parses and validates the JSON value; throws one error listing every problem. */
export function parsePacerBackendConfig(value: unknown): PacerBackendConfig {
  const problems: string[] = [];
  const root = record(value, 'backend config', problems) ?? {};
  const mysql = record(root.mysql, 'mysql', problems) ?? {};
  const str = (o: Record<string, unknown>, key: string, where: string, dflt?: string): string => {
    const v = o[key] ?? dflt;
    if (typeof v !== 'string') problems.push(`${where}.${key} must be a string`);
    return typeof v === 'string' ? v : '';
  };
  const int = (o: Record<string, unknown>, key: string, where: string, dflt: number, min: number): number => {
    const v = o[key] ?? dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) problems.push(`${where}.${key} must be an integer >= ${min}`);
    return typeof v === 'number' ? v : dflt;
  };
  const config: PacerBackendConfig = {
    mysql: {
      host: str(mysql, 'host', 'mysql', '127.0.0.1'),
      port: int(mysql, 'port', 'mysql', 3306, 1),
      user: str(mysql, 'user', 'mysql', 'root'),
      password: str(mysql, 'password', 'mysql', ''),
      database: str(mysql, 'database', 'mysql'),
      connectionLimit: int(mysql, 'connectionLimit', 'mysql', 20, 1),
    },
    createDatabase: root.createDatabase === undefined ? false : root.createDatabase === true,
    defaultPartitions: int(root, 'defaultPartitions', 'backend config', 4, 1),
    brokerCallTimeoutMs: int(root, 'brokerCallTimeoutMs', 'backend config', 2000, 1),
    bodyRegexTimeoutMs: int(root, 'bodyRegexTimeoutMs', 'backend config', DEFAULT_BODY_REGEX_TIMEOUT_MS, 1),
  };
  if (root.createDatabase !== undefined && typeof root.createDatabase !== 'boolean') problems.push('createDatabase must be true or false');
  if (config.mysql.database === '') problems.push('mysql.database is required');
  if (root.brokers !== undefined) config.brokers = parseBrokers(root.brokers, problems);
  if (root.zookeeper !== undefined) {
    const zk = record(root.zookeeper, 'zookeeper', problems) ?? {};
    config.zookeeper = { connect: str(zk, 'connect', 'zookeeper') };
    if (zk.cluster !== undefined) config.zookeeper.cluster = str(zk, 'cluster', 'zookeeper');
    if (zk.sessionTimeoutMs !== undefined) config.zookeeper.sessionTimeoutMs = int(zk, 'sessionTimeoutMs', 'zookeeper', 6000, 1);
  }
  if ((config.brokers === undefined) === (config.zookeeper === undefined)) problems.push('exactly one of "brokers" (static directory) and "zookeeper" is required');
  if (problems.length > 0) throw new Error(`Invalid Pacer backend config:\n  - ${problems.join('\n  - ')}`);
  return config;
}

function parseBrokers(value: unknown, problems: string[]): StaticDirectoryConfig {
  const o = record(value, 'brokers', problems) ?? {};
  const out: StaticDirectoryConfig = {};
  const endpoint = (v: unknown, where: string): StaticRoute['endpoint'] | undefined => {
    if (typeof v !== 'string') {
      problems.push(`${where} must be "host:port"`);
      return undefined;
    }
    try {
      return parseEndpoint(v);
    } catch (e) {
      problems.push(`${where}: ${(e as Error).message}`);
      return undefined;
    }
  };
  if (o.fallback !== undefined) {
    const e = endpoint(o.fallback, 'brokers.fallback');
    if (e !== undefined) out.fallback = e;
  }
  if (o.routes !== undefined) {
    if (!Array.isArray(o.routes)) problems.push('brokers.routes must be a list');
    out.routes = [];
    for (const [i, raw] of (Array.isArray(o.routes) ? o.routes : []).entries()) {
      const r = record(raw, `brokers.routes[${i}]`, problems) ?? {};
      const e = endpoint(r.endpoint, `brokers.routes[${i}].endpoint`);
      if (typeof r.queue !== 'string' || r.queue === '') problems.push(`brokers.routes[${i}].queue must be a queue name`);
      const parts = r.partitions;
      if (parts !== undefined && !(Array.isArray(parts) && parts.every((p) => Number.isInteger(p) && (p as number) >= 0))) {
        problems.push(`brokers.routes[${i}].partitions must be a list of partition numbers`);
      }
      if (e === undefined || typeof r.queue !== 'string') continue;
      out.routes.push({ queue: r.queue, endpoint: e, ...(Array.isArray(parts) ? { partitions: parts as number[] } : {}) });
    }
  }
  if (out.fallback === undefined && (out.routes ?? []).length === 0) problems.push('brokers needs a fallback or at least one route');
  return out;
}

function record(value: unknown, where: string, problems: string[]): Record<string, unknown> | undefined {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  problems.push(`${where} must be a JSON object`);
  return undefined;
}
