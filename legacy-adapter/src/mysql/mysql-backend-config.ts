import { parseEndpointObject, type EndpointObjectOptions } from '../../../core/src/config/endpoint';
import { parseJavaInteger } from '../../../core/src/descriptors/job-descriptor';
import type { MysqlEndpoint } from './mysql-session-pool';
import { shardName } from './tables';

/**
 * PinLater's MySQL backend JSON (FACTS §5.1, MySQLConfigSchema):
 *
 *   { "<instance name>": { "master": {"host": "..", "port": 3306}, "slave": {...},
 *                          "user": "..", "passwd": "..", "dequeueOnly": false }, ... }
 *
 * Only names starting with SHARD_ALLOWED_HOSTNAME_PREFIX are used; the instance id is the Java
 * `Integer.parseInt` of the rest (`pinlaterlocaldb001` → 1). `slave` is parsed and ignored. Unknown
 * fields in an instance or endpoint object fail the parse (Jackson's default), as does a bad id or
 * two names with the same id. Each instance provides MYSQL_NUM_DB_PER_QUEUE logical shards `<id>`,
 * `<id>d1`, …; the shard map order is JSON order, then db id.
 */
export interface MysqlInstanceConfig {
  /** The JSON key, e.g. `pinlaterlocaldb001`. */
  key: string;
  instanceId: number;
  endpoint: MysqlEndpoint;
  dequeueOnly: boolean;
  /** Logical shard names, db 0 first. */
  shards: string[];
}

export class MysqlBackendConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid MySQL backend config: ${problems.join('; ')}`);
    this.name = 'MysqlBackendConfigError';
  }
}

const INSTANCE_FIELDS = new Set(['master', 'slave', 'user', 'passwd', 'dequeueOnly']);
/** Jackson coerces a port written as a string ("3306") to an int. */
const JACKSON_PORT: EndpointObjectOptions = { portFromText: (text) => parseJavaInteger(text, 32) };

export function parseMysqlBackendConfig(json: unknown, allowedHostnamePrefix: string, numDbPerQueue: number): MysqlInstanceConfig[] {
  if (!isObject(json)) throw new MysqlBackendConfigError(['top level must be a JSON object keyed by instance name']);
  if (!Number.isInteger(numDbPerQueue) || numDbPerQueue < 1) throw new MysqlBackendConfigError([`numDbPerQueue must be >= 1, got ${numDbPerQueue}`]);
  const problems: string[] = [];
  const instances: MysqlInstanceConfig[] = [];
  const seen = new Set<number>();
  for (const [key, value] of Object.entries(json)) {
    if (!key.startsWith(allowedHostnamePrefix)) continue;
    const parsed = parseInstance(key, value, allowedHostnamePrefix, problems);
    if (!parsed) continue;
    if (seen.has(parsed.instanceId)) {
      problems.push(`${key}: instance id ${parsed.instanceId} is used twice`);
      continue;
    }
    seen.add(parsed.instanceId);
    const shards = Array.from({ length: numDbPerQueue }, (_v, dbId) => shardName(parsed.instanceId, dbId));
    instances.push({ ...parsed, shards });
  }
  if (problems.length > 0) throw new MysqlBackendConfigError(problems);
  return instances;
}

function parseInstance(key: string, value: unknown, prefix: string, problems: string[]): Omit<MysqlInstanceConfig, 'shards'> | undefined {
  const before = problems.length;
  const instanceId = parseJavaInteger(key.slice(prefix.length), 32);
  if (instanceId === undefined) problems.push(`${key}: "${key.slice(prefix.length)}" is not an integer instance id`);
  if (!isObject(value)) {
    problems.push(`${key}: must be an object`);
    return undefined;
  }
  unknownFields(key, value, INSTANCE_FIELDS, problems);
  const master = parseEndpointObject(value.master, `${key}.master`, problems, JACKSON_PORT);
  if (value.slave !== undefined && value.slave !== null) parseEndpointObject(value.slave, `${key}.slave`, problems, JACKSON_PORT);
  const user = optionalString(`${key}.user`, value.user, problems);
  const password = optionalString(`${key}.passwd`, value.passwd, problems);
  const dequeueOnly = value.dequeueOnly ?? false;
  if (typeof dequeueOnly !== 'boolean') problems.push(`${key}.dequeueOnly: must be a boolean`);
  if (problems.length > before || instanceId === undefined || !master) return undefined;
  return { key, instanceId, endpoint: { ...master, user, password }, dequeueOnly: dequeueOnly === true };
}

function optionalString(path: string, value: unknown, problems: string[]): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') problems.push(`${path}: must be a string`);
  return String(value);
}

function unknownFields(path: string, value: Record<string, unknown>, allowed: Set<string>, problems: string[]): void {
  for (const field of Object.keys(value)) {
    if (!allowed.has(field)) problems.push(`${path}: unknown field "${field}"`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when an instance keeps its pools across a reload (FACTS §5.1: host, port, user, passwd). */
export function sameEndpoint(a: MysqlEndpoint, b: MysqlEndpoint): boolean {
  return a.host === b.host && a.port === b.port && a.user === b.user && a.password === b.password;
}
