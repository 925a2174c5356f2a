/**
 * The local worker-pool runtime's configuration (local-pool-runtime-main.ts): command-line flags
 * only, plus the pool specs they point at, validated once. Every problem (a bad flag, every
 * problem of every spec file, an override naming no pool, a command that does not exist, status
 * ports of replicas that would not fit or would collide) is
 * reported at once in one `ConfigError`; the process prints it and exits 2.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { Command } from 'commander';
import { z } from 'zod';
import { ConfigError } from '../../../core/src/config/parse-config';
import { DEFAULT_RESTART_POLICY, type RestartPolicySettings } from './local-restart-policy';
import { loadPoolSpecs, PoolSpecError, type PoolSpec } from './pool-spec';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const MAX_LOCAL_REPLICAS = 64;
const HOST_PORT = /^[A-Za-z0-9.:[\]-]+:([0-9]{1,5})$/;

export interface LocalRuntimeConfig {
  readonly specsDir: string;
  readonly specs: readonly PoolSpec[];
  readonly gateway: string;
  readonly statusPort: number | undefined;
  readonly logDir: string | undefined;
  /** Replicas per queue (every pool: the override, else the spec's minReplicas). */
  readonly replicas: ReadonlyMap<string, number>;
  readonly stopDeadlineMs: number;
  readonly workdir: string;
  readonly policy: RestartPolicySettings;
  readonly logLevel: (typeof LOG_LEVELS)[number];
}

const replicaCount = z.coerce.number().int().min(0).max(MAX_LOCAL_REPLICAS);
const seconds = z.coerce.number().positive().max(3600);

const flagsSchema = z.strictObject({
  specs: z.string().min(1),
  gateway: z.string().refine((v) => validPort(HOST_PORT.exec(v)?.[1]), 'host:port with a port 1-65535, e.g. 127.0.0.1:9010'),
  statusPort: z.coerce.number().int().min(0).max(65_535).optional(),
  logDir: z.string().min(1).optional(),
  replicas: replicaCount.optional(),
  poolReplicas: z.array(z.string().regex(/^[A-Za-z0-9_]+=[0-9]+$/, '<queue>=<replicas>, e.g. demo_redis=2')),
  stopDeadline: seconds,
  workdir: z.string().min(1).optional(),
  backoffInitialMs: z.coerce.number().int().min(1).max(600_000),
  backoffMaxMs: z.coerce.number().int().min(1).max(3_600_000),
  crashLoopExits: z.coerce.number().int().min(2).max(1000),
  crashLoopWindow: seconds,
  stableAfter: seconds,
  logLevel: z.enum(LOG_LEVELS),
}).refine((f) => f.backoffInitialMs <= f.backoffMaxMs, { message: 'must not exceed --backoff-max-ms', path: ['backoffInitialMs'] });

type Flags = z.output<typeof flagsSchema>;

const HELP = `
Runs the worker pools of a directory of pool specs (one JSON file per queue, the same files the
Kubernetes pool manager deploys; docs/worker-pools.md) as local child processes: each pool gets
its spec's minReplicas (or --replicas) workers, each running the spec's localCommand (else its
command) from --workdir with PINLATER_QUEUE, PINLATER_GATEWAY, PINLATER_WORKER_CONCURRENCY and
PINLATER_WORKER_POOL set (and, for a spec with a statusPort, PINLATER_WORKER_STATUS_PORT =
statusPort + the replica's index, PINLATER_WORKER_STATUS_HOST = 127.0.0.1). A worker that exits
is restarted with exponential backoff; one that exits --crash-loop-exits times within --crash-loop-window seconds is "crash-looping" (like
Kubernetes' CrashLoopBackOff) and restarted every --backoff-max-ms until a run lasts
--stable-after seconds.

GET /health on --status-port: JSON (pools, replicas with pid, state, restarts, last exit,
uptime); 200 when every pool has its replicas running, 503 otherwise with the reasons.

SIGTERM/SIGINT: SIGTERM to every worker, SIGKILL to what is left after --stop-deadline, then
exit. Logs are JSON lines (pino) on stdout. Exit codes: 0 stopped by a signal; 1 startup failure
(the status port in use); 2 invalid flags or pool specs (every problem is printed).

Examples:
  npx tsx pacer/src/worker-pools/local-pool-runtime-main.ts --specs config/pools.local --gateway 127.0.0.1:9010 --status-port 9062 --log-dir .run/procs/worker-pools
  npx tsx pacer/src/worker-pools/local-pool-runtime-main.ts --specs config/pools.local --gateway 127.0.0.1:9010 --replicas 2 --pool-replicas demo_pacer=4
  curl -s http://127.0.0.1:9062/health | jq '.problems'`;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The flags, as strings (validated by `loadLocalRuntimeConfig`); commander handles --help and unknown flags. */
export function localRuntimeProgram(): Command {
  const d = DEFAULT_RESTART_POLICY;
  return new Command('pinlater-worker-pools')
    .description('Local runtime for worker pools: runs each pool spec\'s workers as supervised child processes')
    .requiredOption('--specs <dir>', 'the directory of pool specs (*.json, one per queue)')
    .requiredOption('--gateway <host:port>', 'the PinLater gateway the workers talk to (PINLATER_GATEWAY)')
    .option('--status-port <port>', 'serve GET /health on 127.0.0.1:<port> (0: any free port)')
    .option('--log-dir <dir>', 'write each replica\'s stdout and stderr to <dir>/<pool>-<n>.log (default: inherit the runtime\'s)')
    .option('--replicas <n>', 'replicas of every pool (default: each spec\'s minReplicas)')
    .option('--pool-replicas <queue=n>', 'replicas of one queue\'s pool (repeatable; wins over --replicas)', collect, [])
    .option('--stop-deadline <s>', 'on SIGTERM, seconds the workers get to finish before SIGKILL', '20')
    .option('--workdir <dir>', 'the workers\' working directory (default: the current directory, the repository root for up.sh)')
    .option('--backoff-initial-ms <ms>', 'restart policy: the first wait before restarting a worker', String(d.initialBackoffMs))
    .option('--backoff-max-ms <ms>', 'restart policy: the longest wait (and the wait while crash-looping)', String(d.maxBackoffMs))
    .option('--crash-loop-exits <n>', 'restart policy: exits within the window that mean crash-looping', String(d.crashLoopExits))
    .option('--crash-loop-window <s>', 'restart policy: the window, in seconds', String(d.crashLoopWindowMs / 1000))
    .option('--stable-after <s>', 'restart policy: a run this long resets the backoff and ends crash-looping', String(d.stableAfterMs / 1000))
    .option('--log-level <level>', 'pino level', 'info')
    .addHelpText('after', HELP)
    .exitOverride();
}

/** Parses and validates `argv` (process.argv shape) and the specs once; throws ConfigError naming every problem. */
export function loadLocalRuntimeConfig(argv: readonly string[], cwd: string): LocalRuntimeConfig {
  const raw = localRuntimeProgram().parse([...argv]).opts<Record<string, unknown>>();
  const parsed = flagsSchema.safeParse(raw);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${flagName(i.path[0])}: ${i.message}`);
  // The specs are read even when a flag is wrong, so that one run names every problem.
  const specsDir = resolve(cwd, typeof raw.specs === 'string' ? raw.specs : '.');
  const workdir = resolve(cwd, typeof raw.workdir === 'string' ? raw.workdir : '.');
  const specs = loadSpecs(specsDir, problems);
  problems.push(...missingCommands(specs, workdir));
  const replicas = parsed.success ? replicaCounts(parsed.data, specs, problems) : new Map<string, number>();
  if (parsed.success) problems.push(...statusPortProblems(specs, replicas, parsed.data.statusPort));
  if (!parsed.success || problems.length > 0) throw new ConfigError('worker pool runtime configuration', problems);
  return configFrom(parsed.data, { specsDir, workdir, specs, replicas, cwd });
}

function configFrom(
  flags: Flags,
  resolved: Pick<LocalRuntimeConfig, 'specsDir' | 'workdir' | 'specs' | 'replicas'> & { cwd: string },
): LocalRuntimeConfig {
  const { cwd, ...rest } = resolved;
  return {
    ...rest,
    gateway: flags.gateway,
    statusPort: flags.statusPort,
    logDir: flags.logDir === undefined ? undefined : resolve(cwd, flags.logDir),
    stopDeadlineMs: Math.round(flags.stopDeadline * 1000),
    policy: {
      initialBackoffMs: flags.backoffInitialMs,
      maxBackoffMs: flags.backoffMaxMs,
      crashLoopExits: flags.crashLoopExits,
      crashLoopWindowMs: Math.round(flags.crashLoopWindow * 1000),
      stableAfterMs: Math.round(flags.stableAfter * 1000),
    },
    logLevel: flags.logLevel,
  };
}

function loadSpecs(dir: string, problems: string[]): PoolSpec[] {
  try {
    return loadPoolSpecs(dir);
  } catch (e) {
    if (!(e instanceof PoolSpecError)) throw e;
    problems.push(...e.problems);
    return [];
  }
}

function replicaCounts(flags: Flags, specs: readonly PoolSpec[], problems: string[]): Map<string, number> {
  const counts = new Map(specs.map((s) => [s.queue, flags.replicas ?? s.minReplicas]));
  for (const entry of flags.poolReplicas) {
    const [queue = '', n = ''] = entry.split('=');
    const count = replicaCount.safeParse(n);
    if (!count.success) problems.push(`--pool-replicas ${entry}: replicas must be 0-${MAX_LOCAL_REPLICAS}`);
    else if (specs.length > 0 && !counts.has(queue)) problems.push(`--pool-replicas ${entry}: no pool spec for queue ${queue} (pools: ${[...counts.keys()].join(', ')})`);
    else counts.set(queue, count.data);
  }
  return counts;
}

/**
 * The workers' status ports on this host (a spec's `statusPort` plus the replica's index,
 * worker-env.ts `localStatusAddress`): within 65535, and no port twice (nor the runtime's own).
 */
function statusPortProblems(specs: readonly PoolSpec[], replicas: ReadonlyMap<string, number>, runtimePort: number | undefined): string[] {
  const problems: string[] = [];
  const taken: Array<{ first: number; last: number; owner: string }> = runtimePort === undefined || runtimePort === 0 ? [] : [{ first: runtimePort, last: runtimePort, owner: '--status-port' }];
  for (const spec of specs) {
    const count = replicas.get(spec.queue) ?? 0;
    if (spec.statusPort === undefined || count === 0) continue;
    const range = { first: spec.statusPort, last: spec.statusPort + count - 1, owner: `${spec.source} (${spec.queue})` };
    const ports = count === 1 ? `its local replica takes port ${range.first}` : `${count} local replicas take ports ${range.first}-${range.last} (statusPort + the replica's index)`;
    if (range.last > 65_535) problems.push(`${spec.source}: statusPort: ${ports}, beyond 65535`);
    for (const other of taken.filter((t) => t.first <= range.last && range.first <= t.last)) problems.push(`${spec.source}: statusPort: ${ports}, and ${other.owner} has ${Math.max(range.first, other.first)}`);
    taken.push(range);
  }
  return problems;
}

/** A command given as a path (it has a `/`) must exist; a bare name is looked up in PATH when run. */
function missingCommands(specs: readonly PoolSpec[], workdir: string): string[] {
  return specs.flatMap((s) => {
    const field = s.localCommand === undefined ? 'command' : 'localCommand';
    const program = (s.localCommand ?? s.command)[0] ?? '';
    if (!program.includes('/')) return [];
    const path = isAbsolute(program) ? program : resolve(workdir, program);
    return existsSync(path) ? [] : [`${s.source}: ${field}: ${program} does not exist (relative to ${workdir})`];
  });
}

function validPort(port: string | undefined): boolean {
  return port !== undefined && Number(port) >= 1 && Number(port) <= 65_535;
}

function flagName(key: PropertyKey | undefined): string {
  return `--${String(key ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
