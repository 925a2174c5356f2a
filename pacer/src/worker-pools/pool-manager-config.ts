/**
 * The pool manager process's configuration, from its command line (and, for where the Kubernetes
 * credentials come from, whether it runs in a pod): parsed with commander, validated once with
 * zod (`parseConfig`: every problem at once, each naming its flag). Nothing else reads
 * `process.env` or the arguments.
 */
import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { z } from 'zod';
import { parseEndpoint } from '../../../core/src/config/endpoint';
import { parseConfig } from '../../../core/src/config/parse-config';
import { DEFAULT_TOLERANCE } from './autoscaler';
import type { KubeConfigSource } from './kube-config-loader';

/** The admin port's default: GET /health (readiness) and /live (liveness). */
export const DEFAULT_ADMIN_PORT = 9040;
export const DEFAULT_INTERVAL_SECONDS = 15;
/** The worker SDK's shutdown deadline (30 s) plus room for the process to exit. */
export const DEFAULT_TERMINATION_GRACE_SECONDS = 45;
const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export interface PoolManagerConfig {
  readonly specsDir: string;
  readonly namespace: string;
  /** host:port of the routing gateway's Thrift endpoint, given to every worker (PINLATER_GATEWAY). */
  readonly gateway: string;
  /** Gateway admin base URLs the backlog is read from; with KEDA, the one KEDA polls. */
  readonly backlogUrls: readonly string[];
  readonly kubeconfig: KubeConfigSource;
  readonly keda: boolean;
  readonly dryRun: boolean;
  readonly once: boolean;
  readonly intervalMs: number;
  readonly adminHost: string;
  readonly adminPort: number;
  readonly terminationGracePeriodSeconds: number;
  readonly tolerance: number;
  readonly logLevel: string;
}

export interface PoolManagerFlags {
  readonly specs?: string;
  readonly namespace?: string;
  readonly gateway?: string;
  readonly backlogUrl?: string[];
  readonly kubeconfig?: string;
  readonly keda?: boolean;
  readonly dryRun?: boolean;
  readonly once?: boolean;
  readonly interval?: string;
  readonly adminPort?: string;
  readonly adminHost?: string;
  readonly terminationGraceSeconds?: string;
  readonly tolerance?: string;
  readonly logLevel?: string;
}

const HELP_AFTER = `
Reconciles one Deployment per worker pool spec (<dir>/*.json, see docs/worker-pools.md) in the
namespace, labelled app.kubernetes.io/managed-by=pinlater-pool-manager, and scales each pool from
its queue's backlog (GET <backlog-url>/backlog?queue=<name> on the routing gateways' admin ports),
or, with --keda, applies a KEDA ScaledObject per pool and lets KEDA scale.

Credentials: --kubeconfig <file>; else in-cluster (the pod's ServiceAccount); else KUBECONFIG or
~/.kube/config.

Examples:
  # what it would do, nothing applied:
  npx tsx pacer/src/worker-pools/pool-manager-main.ts --specs deploy/pools --namespace pinlater \\
    --gateway pinlater-gateway:9090 --backlog-url http://pinlater-gateway-admin:9011 --dry-run
  # run it (in a pod: in-cluster credentials), scaling the pools itself from two gateways:
  node dist/pacer/src/worker-pools/pool-manager-main.js --specs /etc/pinlater/pools --namespace pinlater \\
    --gateway pinlater-gateway:9090 --backlog-url http://gateway-0.gateway:9011 --backlog-url http://gateway-1.gateway:9011
  # let KEDA scale (one URL: the one KEDA polls):
  ... --keda --backlog-url http://pinlater-gateway-admin.pinlater.svc:9011

Admin port (default ${DEFAULT_ADMIN_PORT}): GET /health (200 once a pass succeeded, else 503; JSON: pools,
desired/current replicas, backlog, last error), GET /live (200 while the process runs).

Exit codes: 0 stopped by SIGTERM/SIGINT, or --once/--dry-run succeeded; 1 a pass failed (--once,
--dry-run) or startup failed; 2 invalid configuration or pool specs.`;

/** Parses the command line; commander prints usage and throws CommanderError (exitOverride) on a bad one or --help. */
export function parsePoolManagerArgs(argv: readonly string[]): PoolManagerFlags {
  const program = new Command('pinlater-pool-manager')
    .description('Reconciles PinLater worker pool specs into Kubernetes Deployments and scales them from the queue backlog')
    .option('--specs <dir>', 'directory of pool specs (*.json), re-read every pass')
    .option('--namespace <ns>', 'Kubernetes namespace of the pools')
    .option('--gateway <host:port>', "routing gateway Thrift endpoint the workers use (their PINLATER_GATEWAY)")
    .addOption(new Option('--backlog-url <url>', 'gateway admin base URL for GET /backlog (repeat for several gateways)').argParser(collect))
    .option('--kubeconfig <file>', 'kubeconfig file (default: in-cluster, else KUBECONFIG or ~/.kube/config)')
    .option('--keda', 'apply a KEDA ScaledObject per pool instead of scaling the pools itself')
    .option('--dry-run', 'print the changes one pass would apply, apply nothing, exit')
    .option('--once', 'run one pass and exit (0 when it succeeded)')
    .option('--interval <s>', `seconds between passes (default ${DEFAULT_INTERVAL_SECONDS})`)
    .option('--admin-port <port>', `admin HTTP port, /health and /live (default ${DEFAULT_ADMIN_PORT}; 0 = any)`)
    .option('--admin-host <host>', 'admin HTTP bind address (default 0.0.0.0, so the kubelet can probe it)')
    .option('--termination-grace-seconds <s>', `workers' terminationGracePeriodSeconds (default ${DEFAULT_TERMINATION_GRACE_SECONDS}; above the SDK's 30 s shutdown deadline)`)
    .option('--tolerance <ratio>', `autoscaler tolerance band (default ${DEFAULT_TOLERANCE})`)
    .option('--log-level <level>', 'pino level (default info)')
    .addHelpText('after', HELP_AFTER)
    .exitOverride()
    .parse([...argv], { from: 'user' });
  return program.opts<PoolManagerFlags>();
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

const number = (what: string, min: number, max: number) => z.string().optional().transform((text, ctx) => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    ctx.addIssue({ code: 'custom', message: `${what} from ${min} to ${max}, got '${text}'` });
    return z.NEVER;
  }
  return n;
});

const required = (flag: string) => z.string({ error: `${flag} is required` }).trim().min(1, `${flag} is required`);

const flagsSchema = z.object({
  specs: required('--specs'),
  namespace: required('--namespace').regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a Kubernetes namespace name (lowercase letters, digits, -)').max(63),
  gateway: required('--gateway').superRefine((text, ctx) => {
    try {
      parseEndpoint(text, 'gateway');
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
    }
  }),
  backlogUrl: z.array(z.string().refine(isHttpUrl, 'an http(s):// URL (a gateway admin base)'), { error: 'at least one --backlog-url is required' })
    .min(1, 'at least one --backlog-url is required'),
  kubeconfig: z.string().min(1).optional(),
  keda: z.boolean().optional(),
  dryRun: z.boolean().optional(),
  once: z.boolean().optional(),
  interval: number('seconds', 0.05, 3600),
  adminPort: number('a port', 0, 65535).refine((p) => p === undefined || Number.isInteger(p), 'an integer port'),
  adminHost: z.string().min(1).optional(),
  terminationGraceSeconds: number('seconds', 1, 86_400).refine((s) => s === undefined || Number.isInteger(s), 'whole seconds'),
  tolerance: number('a ratio', 0, 0.5),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
}).refine((f) => !(f.keda === true && f.backlogUrl.length > 1), {
  path: ['backlogUrl'], message: 'with --keda give exactly one --backlog-url: the URL KEDA polls (a Service in front of the gateways)',
});

/** `inCluster`: whether the process runs in a pod with a ServiceAccount (default: from `env` and the token file). */
export function loadPoolManagerConfig(flags: PoolManagerFlags, env: NodeJS.ProcessEnv, inCluster = runsInCluster(env)): PoolManagerConfig {
  const f = parseConfig('pool manager configuration', flagsSchema, flags);
  const kubeconfig: KubeConfigSource = f.kubeconfig !== undefined ? { kind: 'file', path: f.kubeconfig } : inCluster ? { kind: 'in-cluster' } : { kind: 'default' };
  return {
    specsDir: f.specs,
    namespace: f.namespace,
    gateway: f.gateway,
    backlogUrls: f.backlogUrl,
    kubeconfig,
    keda: f.keda ?? false,
    dryRun: f.dryRun ?? false,
    once: f.once ?? false,
    intervalMs: Math.round((f.interval ?? DEFAULT_INTERVAL_SECONDS) * 1000),
    adminHost: f.adminHost ?? '0.0.0.0',
    adminPort: f.adminPort ?? DEFAULT_ADMIN_PORT,
    terminationGracePeriodSeconds: f.terminationGraceSeconds ?? DEFAULT_TERMINATION_GRACE_SECONDS,
    tolerance: f.tolerance ?? DEFAULT_TOLERANCE,
    logLevel: f.logLevel ?? 'info',
  };
}

function runsInCluster(env: NodeJS.ProcessEnv): boolean {
  return env.KUBERNETES_SERVICE_HOST !== undefined && env.KUBERNETES_SERVICE_PORT !== undefined && existsSync(SERVICE_ACCOUNT_TOKEN);
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.search === '' && url.hash === '';
  } catch {
    return false;
  }
}
