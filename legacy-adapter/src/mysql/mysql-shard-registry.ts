import type { ShardStore } from '../../../core/src/interfaces/shard-store';
import type { Stats } from '../../../core/src/interfaces/stats';
import type { Logger } from '../../../core/src/logging/logger';
import { DEFAULT_BODY_REGEX_TIMEOUT_MS, type LegacyBackendSettings } from '../../../core/src/types/legacy-backend-options';
import type { Clock } from '../../../core/src/util/clock';
import { shuffled } from '../../../core/src/util/shuffle';
import { parseMysqlBackendConfig, sameEndpoint, type MysqlInstanceConfig } from './mysql-backend-config';
import { SessionPool } from './mysql-session-pool';
import { DEFAULT_SHARD_HEALTH, ShardHealthWindow, type ShardHealthSettings } from './mysql-shard-health';
import { MysqlShardStore, type MysqlInstance } from './mysql-shard-store';
import { processZoneOffset, type ZoneOffsetSource } from './mysql-time';
import { clientTimeoutFor } from '../../../core/src/sql/statement-time-limit';
import { runDetached } from '../../../core/src/util/run-detached';

/** JDBC `connectTimeout=5000` in PinLater's data source URL (FACTS §5.1). */
export const CONNECT_TIMEOUT_MS = 5000;

export interface MysqlShardRegistryOptions {
  settings: LegacyBackendSettings;
  clock: Clock;
  stats: Stats;
  logger: Logger;
  /** Defaults to the process time zone (mysql-time.ts). */
  zoneOffset?: ZoneOffsetSource;
  /** Defaults to PinLater's 100 / 75 / 60 s. */
  health?: ShardHealthSettings;
  random?: () => number;
}

interface InstanceEntry {
  config: MysqlInstanceConfig;
  instance: MysqlInstance;
  stores: MysqlShardStore[];
}

/**
 * The MySQL shard map (FACTS §5.1): instances from the backend JSON, each with one general and one
 * monitor pool shared by its `numDbPerQueue` logical shards, in JSON order then db id.
 *
 * `reload(json)` follows PinLater's processConfigUpdate: the queue list is read first (from a random
 * current shard), instances whose host/port/user/passwd are unchanged keep their pools, stores and
 * health (dequeueOnly updated live), changed and new ones get fresh pools and health, removed ones
 * are dropped (their pools are closed after a grace period, so calls in flight can finish); then
 * createQueue runs for every known queue on every shard so new shards get their databases.
 */
export class MysqlShardRegistry {
  private entries: InstanceEntry[] = [];
  private stores: readonly MysqlShardStore[] = [];
  private readonly retiring = new Set<NodeJS.Timeout>();
  private readonly retired: SessionPool[] = [];
  private readonly zoneOffset: ZoneOffsetSource;
  private readonly random: () => number;

  constructor(private readonly options: MysqlShardRegistryOptions) {
    this.zoneOffset = options.zoneOffset ?? processZoneOffset;
    this.random = options.random ?? Math.random;
  }

  current(): readonly ShardStore[] {
    return this.stores;
  }

  /** Typed access for the MySQL backend itself (health details). */
  currentMysqlStores(): readonly MysqlShardStore[] {
    return this.stores;
  }

  parse(json: unknown): MysqlInstanceConfig[] {
    const { allowedHostnamePrefix, numDbPerQueue } = this.options.settings.mysql;
    return parseMysqlBackendConfig(json, allowedHostnamePrefix, numDbPerQueue);
  }

  /** Installs a config without touching queues (startup). */
  apply(configs: MysqlInstanceConfig[]): void {
    const previous = new Map(this.entries.map((e) => [e.config.instanceId, e]));
    const next = configs.map((config) => this.reuseOrBuild(config, previous));
    const kept = new Set(next);
    for (const old of this.entries) if (!kept.has(old)) this.retire(old.instance);
    this.entries = next;
    this.stores = next.flatMap((e) => e.stores);
  }

  /** A config change at runtime (see class comment). Parse errors throw and change nothing. */
  async reload(json: unknown): Promise<void> {
    const configs = this.parse(json);
    const queues = await this.knownQueues();
    this.apply(configs);
    for (const queue of queues) {
      for (const store of this.stores) {
        await store.createQueue(queue).catch((e: unknown) => this.options.logger.error({ err: e, queue, shard: store.name }, 'createQueue after config reload failed'));
      }
    }
    this.options.logger.info({ shards: this.stores.map((s) => s.name) }, 'MySQL config reloaded');
  }

  async close(): Promise<void> {
    for (const timer of this.retiring) clearTimeout(timer);
    this.retiring.clear();
    const pools = [...this.retired.splice(0), ...this.entries.flatMap((e) => [e.instance.general, e.instance.monitor])];
    this.entries = [];
    this.stores = [];
    await Promise.all(pools.map((p) => p.close()));
  }

  /**
   * Queue names from one random shard. Deviation: PinLater aborts the reload when that shard does
   * not answer; we try the other shards before giving up with an empty list (the reload still
   * applies, so a dead instance can be configured away). docs/compatibility.md.
   */
  private async knownQueues(): Promise<Set<string>> {
    const order = shuffled(this.stores, this.random);
    for (const store of order) {
      try {
        return await store.listQueues();
      } catch (e) {
        this.options.logger.warn({ err: e, shard: store.name }, 'queue listing failed during config reload; trying another shard');
      }
    }
    return new Set();
  }

  private reuseOrBuild(config: MysqlInstanceConfig, previous: Map<number, InstanceEntry>): InstanceEntry {
    const old = previous.get(config.instanceId);
    if (old && sameEndpoint(old.config.endpoint, config.endpoint) && sameShards(old.config, config)) {
      old.instance.dequeueOnly = config.dequeueOnly;
      old.config = config;
      return old;
    }
    const instance = this.buildInstance(config);
    const stores = config.shards.map((name) => this.buildStore(name, instance));
    return { config, instance, stores };
  }

  private buildInstance(config: MysqlInstanceConfig): MysqlInstance {
    const s = this.options.settings;
    const zone = this.zoneOffset;
    const general = new SessionPool(
      config.endpoint,
      { connectionLimit: s.connectionsPerShard, queryTimeoutMs: s.socketTimeoutMs, acquireTimeoutMs: s.connectionMaxWaitMs, connectTimeoutMs: CONNECT_TIMEOUT_MS },
      this.options.clock,
      zone,
    );
    const monitor = new SessionPool(
      config.endpoint,
      { connectionLimit: s.monitorConnectionsPerShard, queryTimeoutMs: s.monitorSocketTimeoutMs, acquireTimeoutMs: s.connectionMaxWaitMs, connectTimeoutMs: CONNECT_TIMEOUT_MS },
      this.options.clock,
      zone,
    );
    return { general, monitor, dequeueOnly: config.dequeueOnly };
  }

  private buildStore(name: string, instance: MysqlInstance): MysqlShardStore {
    const s = this.options.settings;
    return new MysqlShardStore({
      name,
      instance,
      health: new ShardHealthWindow(this.options.clock, this.options.health ?? DEFAULT_SHARD_HEALTH),
      numPriorityLevels: s.numPriorityLevels,
      countLimit: s.mysql.countLimit,
      autoRetries: s.autoRetries,
      bodyRegex: bodyRegexLimits(s),
      clock: this.options.clock,
      stats: this.options.stats,
      logger: this.options.logger.child({ shard: name }),
    });
  }

  /** Old pools stay open for a grace period (two socket timeouts) so calls in flight finish. */
  private retire(instance: MysqlInstance): void {
    const pools = [instance.general, instance.monitor];
    this.retired.push(...pools);
    const graceMs = 2 * Math.max(this.options.settings.socketTimeoutMs, this.options.settings.monitorSocketTimeoutMs);
    const timer = setTimeout(() => {
      this.retiring.delete(timer);
      for (const pool of pools) {
        const i = this.retired.indexOf(pool);
        if (i >= 0) this.retired.splice(i, 1);
        runDetached('close a retired pool after its grace period', pool.close(), this.options.logger);
      }
    }, graceMs);
    timer.unref();
    this.retiring.add(timer);
  }
}

/** GATEWAY_BODY_REGEX_TIMEOUT_MS and the client-side timeout that lets the server answer first. */
function bodyRegexLimits(s: LegacyBackendSettings): { limitMs: number; clientTimeoutMs: number } {
  const limitMs = s.mysql.bodyRegexTimeoutMs ?? DEFAULT_BODY_REGEX_TIMEOUT_MS;
  return { limitMs, clientTimeoutMs: clientTimeoutFor(limitMs, s.socketTimeoutMs) };
}

function sameShards(a: MysqlInstanceConfig, b: MysqlInstanceConfig): boolean {
  return a.shards.length === b.shards.length && a.shards.every((name, i) => name === b.shards[i]);
}
