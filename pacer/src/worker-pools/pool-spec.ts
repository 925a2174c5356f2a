/**
 * A worker pool spec: one file per queue (`<dir>/<anything>.json`), what an operator reviews before
 * the pool manager (Kubernetes) or the local runtime (child processes) runs the queue's workers.
 * Parsed and validated once, every problem of every file at once, each naming the file and field.
 *
 * {
 *   "queue": "thumbnails",                       // PinLater queue name ([A-Za-z0-9_]+)
 *   "image": "registry.example.com/thumbs:1.4",   // Kubernetes only (the local runtime ignores it)
 *   "command": ["node", "dist/pacer/examples/noop-worker.js"],
 *   "localCommand": ["npx", "tsx", "pacer/examples/noop-worker.ts"],   // optional: the local runtime's
 *   "env": { "LOG_LEVEL": "info" },              // optional; PINLATER_* names are the runtime's (worker-env.ts)
 *   "resources": { "requests": { "cpu": "250m", "memory": "256Mi" }, "limits": { "memory": "512Mi" } },
 *   "minReplicas": 1, "maxReplicas": 20,
 *   "targetBacklogPerReplica": 100,              // ready jobs one replica should face
 *   "scaleDownDelaySeconds": 300,                // how long a lower desire must hold before scaling down
 *   "concurrency": 8,                            // jobs in flight per replica (the SDK's bound)
 *   "statusPort": 9100                           // optional: the worker's status port (1024-65535), given to it
 * }                                              //   as PINLATER_WORKER_STATUS_PORT; Kubernetes probes /health and /live there
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { queueNameProblem } from '../../../core/src/types/queue-name';

/** Environment names the runtimes set for every worker (worker-env.ts); a spec may not set them. */
export const RESERVED_ENV_PREFIX = 'PINLATER_';
const MAX_REPLICAS = 1000;
const MAX_CONCURRENCY = 256;
const MAX_SCALE_DOWN_DELAY_S = 3600;
/** A worker's status port: unprivileged, so a worker that is not root can listen on it. */
export const STATUS_PORT_RANGE = { min: 1024, max: 65_535 } as const;
/** A Kubernetes resource quantity (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/). */
const QUANTITY = /^([0-9]+(\.[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const quantity = z.string().regex(QUANTITY, 'a Kubernetes quantity such as 250m, 1, 512Mi');
const resourceList = z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() });
const argv = z.array(z.string().min(1).max(4096)).min(1).max(256);

function envNameProblem(name: string): string | undefined {
  if (!ENV_NAME.test(name)) return 'an environment variable name';
  return name.startsWith(RESERVED_ENV_PREFIX) ? `${RESERVED_ENV_PREFIX}* names are set by the runtime (worker-env.ts)` : undefined;
}

const poolSpecSchema = z.strictObject({
  queue: z.string().superRefine((name, ctx) => {
    const problem = queueNameProblem(name);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem === 'invalid' ? 'a PinLater queue name: letters, digits and _' : 'too long' });
  }),
  image: z.string().min(1).max(1024).regex(/^\S+$/, 'no whitespace'),
  command: argv,
  localCommand: argv.optional(),
  env: z.record(z.string(), z.string().max(32_768)).superRefine((env, ctx) => {
    // Checked here rather than as the record's key schema, whose problems zod reports only as "Invalid key in record".
    for (const name of Object.keys(env)) {
      const problem = envNameProblem(name);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, path: [name] });
    }
  }).optional(),
  resources: z.strictObject({ requests: resourceList, limits: resourceList.optional() }),
  minReplicas: z.number().int().min(0).max(MAX_REPLICAS),
  maxReplicas: z.number().int().min(1).max(MAX_REPLICAS),
  targetBacklogPerReplica: z.number().int().min(1).max(1_000_000),
  scaleDownDelaySeconds: z.number().int().min(0).max(MAX_SCALE_DOWN_DELAY_S),
  concurrency: z.number().int().min(1).max(MAX_CONCURRENCY),
  statusPort: z.number({ error: `a port from ${STATUS_PORT_RANGE.min} to ${STATUS_PORT_RANGE.max}` }).int().min(STATUS_PORT_RANGE.min).max(STATUS_PORT_RANGE.max).optional(),
}).refine((s) => s.minReplicas <= s.maxReplicas, { message: 'minReplicas must not exceed maxReplicas', path: ['minReplicas'] });

export interface ResourceList {
  readonly cpu?: string;
  readonly memory?: string;
}

export interface PoolSpec {
  readonly queue: string;
  readonly image: string;
  readonly command: readonly string[];
  readonly localCommand?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly resources: { readonly requests: ResourceList; readonly limits?: ResourceList };
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly targetBacklogPerReplica: number;
  readonly scaleDownDelaySeconds: number;
  readonly concurrency: number;
  /** The worker's status port (`/health`, `/live`, `/metrics`); absent: none, and no probes. */
  readonly statusPort?: number;
  /** The file it came from (for messages). */
  readonly source: string;
}

/** Every problem of a set of spec files, one line each: `<file>: <field>: <message>`. */
export class PoolSpecError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid worker pool spec(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PoolSpecError';
  }
}

/** One spec from its JSON text; problems are returned (prefixed with `source`), never thrown. */
export function parsePoolSpec(text: string, source: string): { spec?: PoolSpec; problems: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { problems: [`${source}: not JSON (${(err as Error).message})`] };
  }
  const parsed = poolSpecSchema.safeParse(raw);
  if (!parsed.success) {
    return { problems: parsed.error.issues.map((i) => `${source}: ${i.path.length > 0 ? i.path.join('.') : '(file)'}: ${i.message}`) };
  }
  return { spec: { ...parsed.data, env: parsed.data.env ?? {}, source }, problems: [] };
}

/** Specs from texts (file name → JSON): every problem at once, and one pool per queue. */
export function parsePoolSpecs(files: ReadonlyMap<string, string>): PoolSpec[] {
  const problems: string[] = [];
  const specs: PoolSpec[] = [];
  const byQueue = new Map<string, string>();
  for (const [source, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const result = parsePoolSpec(text, source);
    problems.push(...result.problems);
    if (result.spec === undefined) continue;
    const other = byQueue.get(result.spec.queue);
    if (other !== undefined) problems.push(`${source}: queue: ${result.spec.queue} already has a pool (${other}); one pool per queue`);
    else byQueue.set(result.spec.queue, source);
    specs.push(result.spec);
  }
  if (problems.length > 0) throw new PoolSpecError(problems);
  return specs;
}

/** Every `*.json` of a directory (not recursive), validated together. A missing or empty directory is an error. */
export function loadPoolSpecs(dir: string): PoolSpec[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch (err) {
    throw new PoolSpecError([`${dir}: cannot read the pool spec directory (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`]);
  }
  if (names.length === 0) throw new PoolSpecError([`${dir}: no pool specs (*.json)`]);
  return parsePoolSpecs(new Map(names.map((n) => [join(dir, n), readFileSync(join(dir, n), 'utf8')])));
}
