import { parseEndpointObject } from '../../../core/src/config/endpoint';
import { PACER_SHARD_PREFIX, isReservedLegacyShardName } from '../../../core/src/descriptors/issuer';

/**
 * PinLater's Redis backend JSON (FACTS §6.1, RedisConfigSchema):
 *
 *   {"shards":[{"name":"1","shardConfig":{"master":{"host":"localhost","port":6379},
 *               "slave":{"host":"localhost","port":6380},"dequeueOnly":false}}]}
 *
 * Parsed strictly as Jackson does (unknown fields fail); `slave` is accepted and unused;
 * `dequeueOnly` defaults to false. On top of PinLater: shard names must be non-empty, free of `:`
 * (the descriptor separator) and must not start with `pacer` (reserved for Pacer descriptors,
 * core/src/descriptors/issuer.ts); names must be unique; the list must not be empty.
 */
export interface RedisEndpointConfig {
  host: string;
  port: number;
}

export interface RedisShardConfig {
  name: string;
  master: RedisEndpointConfig;
  slave?: RedisEndpointConfig;
  dequeueOnly: boolean;
}

export interface RedisBackendConfig {
  shards: RedisShardConfig[];
}

export class RedisBackendConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid Redis backend config:\n- ${problems.join('\n- ')}`);
    this.name = 'RedisBackendConfigError';
  }
}

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unknownFields(obj: Obj, allowed: readonly string[], where: string, problems: string[]): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) problems.push(`${where}: unknown field "${key}" (allowed: ${allowed.join(', ')})`);
  }
}

function checkShardName(name: unknown, where: string, problems: string[]): name is string {
  if (typeof name !== 'string' || name === '') {
    problems.push(`${where}.name: must be a non-empty string`);
    return false;
  }
  const before = problems.length;
  if (name.includes(':')) problems.push(`${where}.name: "${name}" must not contain ':' (the job descriptor separator)`);
  if (isReservedLegacyShardName(name)) problems.push(`${where}.name: "${name}" must not start with "${PACER_SHARD_PREFIX}" (reserved for Pacer descriptors)`);
  return problems.length === before;
}

function parseShard(v: unknown, where: string, problems: string[]): RedisShardConfig | undefined {
  if (!isObject(v)) {
    problems.push(`${where}: must be an object {"name": ..., "shardConfig": ...}`);
    return undefined;
  }
  unknownFields(v, ['name', 'shardConfig'], where, problems);
  const nameOk = checkShardName(v.name, where, problems);
  const sc = v.shardConfig;
  if (!isObject(sc)) {
    problems.push(`${where}.shardConfig: must be an object {"master": ..., "slave": ..., "dequeueOnly": ...}`);
    return undefined;
  }
  unknownFields(sc, ['master', 'slave', 'dequeueOnly'], `${where}.shardConfig`, problems);
  const master = parseEndpointObject(sc.master, `${where}.shardConfig.master`, problems);
  const slave = sc.slave === undefined || sc.slave === null ? undefined : parseEndpointObject(sc.slave, `${where}.shardConfig.slave`, problems);
  const dequeueOnly = sc.dequeueOnly ?? false;
  if (typeof dequeueOnly !== 'boolean') problems.push(`${where}.shardConfig.dequeueOnly: must be a boolean`);
  if (!nameOk || master === undefined || typeof dequeueOnly !== 'boolean') return undefined;
  return { name: v.name as string, master, ...(slave ? { slave } : {}), dequeueOnly };
}

/** Validates the parsed JSON; throws one `RedisBackendConfigError` listing every problem. */
export function parseRedisBackendConfig(json: unknown): RedisBackendConfig {
  const problems: string[] = [];
  if (!isObject(json)) throw new RedisBackendConfigError(['top level: must be an object {"shards": [...]}']);
  unknownFields(json, ['shards'], 'top level', problems);
  if (!Array.isArray(json.shards) || json.shards.length === 0) {
    problems.push('shards: must be a non-empty array');
    throw new RedisBackendConfigError(problems);
  }
  const shards: RedisShardConfig[] = [];
  json.shards.forEach((s: unknown, i: number) => {
    const parsed = parseShard(s, `shards[${i}]`, problems);
    if (parsed) shards.push(parsed);
  });
  const seen = new Set<string>();
  for (const s of shards) {
    if (seen.has(s.name)) problems.push(`shards: duplicate shard name "${s.name}"`);
    seen.add(s.name);
  }
  if (problems.length > 0) throw new RedisBackendConfigError(problems);
  return { shards };
}
