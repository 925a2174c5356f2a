import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, parseConfig } from '../../core/src/config/parse-config';
import type { RouteDestination } from '../../core/src/routing/queue-route';
import { PACER_SYSTEM } from '../../core/src/routing/routing-backend';
import { DEFAULT_SHADOW_SETTINGS, type ShadowSettings } from '../../core/src/shadow/shadow-settings';
import type { LegacyBackendSettings } from '../../core/src/types/legacy-backend-options';
import { DEFAULT_ROUTING_ROOT, RoutingNameError, RoutingPaths } from '../../migration/index';
import { parsePacerBackendConfig } from '../../pacer/index';
import { jsonFile, propertiesFile, zkConnectString, type LoadedFile } from './config-file-fields';
import { readLegacySettings } from './legacy-settings';
import { PropertyReader } from './property-reader';

/**
 * The routing gateway's config file (`--routing-config config/routing.local.json`, issue 10): the
 * systems behind one gateway and where its routing table lives. The gateway's own settings (ports,
 * limits, admin password, rate-limit files) still come from `--properties`.
 *
 *   {
 *     "legacyClusters": [                  // any number of legacy PinLater clusters
 *       { "name": "redis-local",           // [A-Za-z0-9_.-]+, unique, not "pacer" (routing records use it)
 *         "backend": "legacy-redis",       // or "legacy-mysql"
 *         "backendConfig": "redis.local.json",         // its PinLater backend JSON
 *         "properties": "redis.local.properties" }     // its PinLater properties: the backend
 *     ],                                                // settings (timeouts, MYSQL_COUNT_LIMIT, …)
 *     "pacer": { "backendConfig": "pacer-cluster.local.json" },   // at most one Pacer; optional
 *     "routing": {
 *       "zookeeper": "127.0.0.1:2181",     // host:port[,host:port][/chroot]
 *       "root": "/pinlater-routing",       // default; the routing table below it
 *       "defaultDestination": "pacer",     // where createQueue puts a new queue: "pacer" or a cluster name
 *       "gatewayId": "gw-1"                // optional: how this gateway names itself to operators
 *     },
 *     "shadow": {                          // optional, every field too: shadow mode's comparison and
 *       "relativeThresholdPercent": 20,    // bounds (core/src/shadow/shadow-settings.ts has each
 *       "absoluteThresholdPercent": 0.03,  // field's meaning and default)
 *       "maxPendingTasks": 1000, "maxConcurrency": 16, "taskTimeoutMs": 2000, "maxAbandonedTasks": 64,
 *       "maxEventLoopUtilization": 0.7, "copyMaxEventLoopUtilization": 0.9, "loadWindowMs": 250,
 *       "maxTasksPerSecond": 0, "readSampleRatio": 1,    // shedding under load, Scientist's ramp
 *       "aliasMapSize": 100000, "samplesPerQueue": 50, "maxQueues": 1000, "sampleValueChars": 120,
 *       "drainHoldMs": 300000, "maxHeldClaims": 10000, "closeGraceMs": 2000
 *     }
 *   }
 *
 * Relative paths are resolved against the config file's directory. Validated once, every problem
 * at once (unknown keys are refused, so a typo never falls back to a default): each named file
 * must exist and parse, each cluster's properties must hold what its backend needs, and every
 * system must have the same NUM_PRIORITY_LEVELS (Pacer's comes from the gateway's properties, as
 * for a single-backend Pacer gateway).
 */
export interface RoutingGatewayConfig {
  /** Absolute path of the routing config file. */
  readonly file: string;
  readonly legacyClusters: readonly LegacyClusterConfig[];
  readonly pacer: PacerSystemConfig | undefined;
  /** The file's `routing` object: where the routing table lives, and the default destination. */
  readonly table: RoutingTableConfig;
  /** The file's `shadow` object over the defaults (absent: DEFAULT_SHADOW_SETTINGS). */
  readonly shadow?: ShadowSettings;
}

export interface LegacyClusterConfig {
  readonly name: string;
  readonly backend: 'legacy-redis' | 'legacy-mysql';
  readonly backendConfig: unknown;
  readonly backendConfigPath: string;
  readonly propertiesPath: string;
  /** The backend part of the cluster's own properties file (legacy-settings.ts). */
  readonly settings: LegacyBackendSettings;
}

export interface PacerSystemConfig {
  readonly backendConfig: unknown;
  readonly backendConfigPath: string;
}

export interface RoutingTableConfig {
  /** ZooKeeper connect string, `host:port[,host:port][/chroot]`. */
  readonly zookeeper: string;
  /** The routing table's root znode (below the chroot). */
  readonly root: string;
  readonly defaultDestination: RouteDestination;
  readonly gatewayId: string | undefined;
}

/** What the routing config is checked against that lives elsewhere. */
export interface RoutingConfigContext {
  /** NUM_PRIORITY_LEVELS of the gateway's own properties (Pacer's); undefined: not compared. */
  readonly pacerPriorityLevels: number | undefined;
}

const SYSTEM_NAME = /^[A-Za-z0-9_.-]+$/;

/** Reads and validates the routing config file; throws one ConfigError listing every problem. */
export function loadRoutingConfig(file: string, context: RoutingConfigContext): RoutingGatewayConfig {
  const path = resolve(file);
  const what = `routing gateway config ${path}`;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new ConfigError(what, [e instanceof SyntaxError ? `not valid JSON: ${reason}` : `cannot read: ${reason}`]);
  }
  const schema = systemsSchema(dirname(path))
    .superRefine((config, ctx) => checkAcrossSystems(config, context, ctx))
    .transform((config) => buildConfig(path, config));
  return parseConfig(what, schema, json);
}

/** The file's shape; every named file is read here (config-file-fields.ts). */
function systemsSchema(baseDir: string) {
  const cluster = z.strictObject({
    name: z.string().regex(SYSTEM_NAME, 'must match [A-Za-z0-9_.-]+').refine((n) => n.toLowerCase() !== PACER_SYSTEM, `'${PACER_SYSTEM}' names Pacer; name the legacy cluster otherwise`),
    backend: z.enum(['legacy-redis', 'legacy-mysql']),
    backendConfig: jsonFile(baseDir),
    properties: propertiesFile(baseDir),
  });
  const pacer = z.strictObject({ backendConfig: jsonFile(baseDir).superRefine(checkPacerBackendConfig) });
  const routing = z.strictObject({
    zookeeper: zkConnectString,
    root: z.string().default(DEFAULT_ROUTING_ROOT).superRefine(routingName((root) => new RoutingPaths(root))),
    defaultDestination: z.string().min(1, `must be '${PACER_SYSTEM}' or a legacy cluster name`),
    gatewayId: z.string().superRefine(routingName((id) => new RoutingPaths().gateway(id))).optional(),
  });
  return z.strictObject({ legacyClusters: z.array(cluster).default([]), pacer: pacer.optional(), routing, shadow: shadowSchema.optional() });
}

const count = z.number().int().min(1);
const millis = z.number().int().min(1);
const percent = z.number().min(0).max(100);
const fraction = z.number().min(0).max(1);

/** Shadow mode's settings: each optional, over DEFAULT_SHADOW_SETTINGS. */
const shadowSchema = z.strictObject({
  relativeThresholdPercent: percent.optional(),
  absoluteThresholdPercent: percent.optional(),
  maxPendingTasks: count.optional(),
  maxConcurrency: count.optional(),
  taskTimeoutMs: millis.optional(),
  maxAbandonedTasks: count.optional(),
  maxEventLoopUtilization: fraction.optional(),
  copyMaxEventLoopUtilization: fraction.optional(),
  loadWindowMs: millis.optional(),
  maxTasksPerSecond: z.number().int().min(0).optional(),
  readSampleRatio: fraction.optional(),
  aliasMapSize: count.optional(),
  samplesPerQueue: count.optional(),
  maxQueues: count.optional(),
  sampleValueChars: count.optional(),
  drainHoldMs: millis.optional(),
  maxHeldClaims: count.optional(),
  closeGraceMs: z.number().int().min(0).optional(),
}).superRefine((shadow, ctx) => {
  const { maxEventLoopUtilization: reads, copyMaxEventLoopUtilization: copies } = shadowSettings(shadow);
  if (copies < reads) ctx.addIssue({ code: 'custom', path: ['copyMaxEventLoopUtilization'], message: `must be at least maxEventLoopUtilization (${reads}): copies are shed after reads` });
});

function shadowSettings(parsed: Partial<ShadowSettings> | undefined): ShadowSettings {
  const given = Object.fromEntries(Object.entries(parsed ?? {}).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_SHADOW_SETTINGS, ...given };
}

/** A name the routing table's own rules (migration/index.ts RoutingPaths) must accept. */
function routingName(check: (name: string) => unknown) {
  return (name: string, ctx: z.RefinementCtx): void => {
    try {
      check(name);
    } catch (e) {
      if (!(e instanceof RoutingNameError)) throw e;
      ctx.addIssue({ code: 'custom', message: e.message });
    }
  };
}

type ParsedConfig = z.output<ReturnType<typeof systemsSchema>>;
type ParsedCluster = ParsedConfig['legacyClusters'][number];

/** Pacer's own schema (pacer/src/topology/pacer-backend-config.ts), its problems under this field. */
function checkPacerBackendConfig(loaded: LoadedFile<unknown> | undefined, ctx: z.RefinementCtx): void {
  if (loaded === undefined) return;
  try {
    parsePacerBackendConfig(loaded.content);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    for (const problem of e.problems) ctx.addIssue({ code: 'custom', message: `${loaded.path}: ${problem}`, continue: true });
  }
}

/** What no single field can check: names, the default destination, each cluster's properties, priority levels. */
function checkAcrossSystems(config: ParsedConfig, context: RoutingConfigContext, ctx: z.RefinementCtx): void {
  const issue = (path: PropertyKey[], message: string): void => ctx.addIssue({ code: 'custom', path, message });
  const names = config.legacyClusters.map((c) => c.name);
  const systems = [...names, ...(config.pacer === undefined ? [] : [PACER_SYSTEM])];
  if (systems.length === 0) issue([], 'names no system: give at least one legacy cluster or pacer');
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i) issue(['legacyClusters', i, 'name'], `'${name}' is used by another legacy cluster`);
  });
  const destination = config.routing.defaultDestination;
  if (!systems.includes(destination)) issue(['routing', 'defaultDestination'], `'${destination}' is not a configured system (configured: ${[...new Set(systems)].join(', ') || 'none'})`);
  const levels: Array<{ system: string; levels: number }> = [];
  config.legacyClusters.forEach((cluster, i) => {
    const read = clusterSettings(cluster);
    for (const problem of read?.problems ?? []) issue(['legacyClusters', i, 'properties'], `${cluster.properties?.path}: ${problem}`);
    if (read !== undefined && read.settings.numPriorityLevels >= 1) levels.push({ system: cluster.name, levels: read.settings.numPriorityLevels });
  });
  if (config.pacer !== undefined && context.pacerPriorityLevels !== undefined) levels.push({ system: `${PACER_SYSTEM} (the gateway's properties)`, levels: context.pacerPriorityLevels });
  if (new Set(levels.map((l) => l.levels)).size > 1) {
    issue([], `every system must have the same NUM_PRIORITY_LEVELS, got ${levels.map((l) => `${l.system}: ${l.levels}`).join(', ')}`);
  }
}

/** The backend settings of a cluster's properties, as its backend kind reads them (undefined: file not read). */
function clusterSettings(cluster: ParsedCluster): { settings: LegacyBackendSettings; problems: string[] } | undefined {
  if (cluster.properties === undefined) return undefined;
  const r = new PropertyReader(cluster.properties.content);
  const settings = readLegacySettings(r, cluster.backend);
  return { settings, problems: r.problems };
}

/** Runs only on a config without problems, so every file was read. */
function buildConfig(file: string, config: ParsedConfig): RoutingGatewayConfig {
  const destination = config.routing.defaultDestination;
  return {
    file,
    legacyClusters: config.legacyClusters.map((c) => {
      const backendConfig = wasRead(c.backendConfig);
      return {
        name: c.name,
        backend: c.backend,
        backendConfig: backendConfig.content,
        backendConfigPath: backendConfig.path,
        propertiesPath: wasRead(c.properties).path,
        settings: wasRead(clusterSettings(c)).settings,
      };
    }),
    pacer: config.pacer === undefined ? undefined : { backendConfig: wasRead(config.pacer.backendConfig).content, backendConfigPath: wasRead(config.pacer.backendConfig).path },
    table: {
      zookeeper: config.routing.zookeeper,
      root: config.routing.root,
      defaultDestination: destination === PACER_SYSTEM ? { mode: 'pacer' } : { mode: 'legacy', cluster: destination },
      gatewayId: config.routing.gatewayId,
    },
    shadow: shadowSettings(config.shadow),
  };
}

function wasRead<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('routing config: a file was not read although the config validated');
  return value;
}
