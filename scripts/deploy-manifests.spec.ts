/**
 * The Kubernetes manifests of deploy/ (deploy/README.md) against the code they run:
 *
 * - every manifest parses (YAML through `loadAllYaml` of @kubernetes/client-node, a direct
 *   dependency; js-yaml itself is only a transitive one) and kustomization.yaml lists exactly the
 *   files of deploy/;
 * - each process (routing gateway, Pacer brokers and controllers, migration copier, pool manager)
 *   runs a compiled entry point (`node dist/<x>.js`, `<x>.ts` in tsconfig.build.json) and has
 *   readiness and liveness probes, resource requests, a PodDisruptionBudget; brokers and
 *   controllers have required anti-affinity;
 * - every probe points at a route the process's admin server really has (found in its source's
 *   syntax tree) on the port the process really listens on: the container's args and config are
 *   read by the process's own config loader, with its ConfigMaps and stand-in Secrets written to a
 *   temporary directory (the gateway's init container runs there too). Every probe is an httpGet,
 *   so the process must bind that server to a non-loopback address (its bind-host option, read by
 *   the same loader: the kubelet cannot reach 127.0.0.1 inside the pod);
 * - RBAC: only the pool manager's namespaced Role, with exactly the rules the manager declares
 *   (pacer/src/worker-pools/kube-rbac.ts); no Secret objects and no secret values anywhere;
 *   sensitive environment variables come from Secrets; every Secret referenced is documented.
 *
 * The last tests feed mutated copies (a probe path renamed, a route renamed, a port changed, a
 * bind-host option removed) to the same checks, which must then fail.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';
import { loadAllYaml } from '@kubernetes/client-node';
import type { KubernetesObject, V1Container, V1Deployment, V1PodSpec, V1Probe, V1Role, V1RoleBinding, V1StatefulSet } from '@kubernetes/client-node';
import { loadConfig as loadGatewayConfig } from '../gateway/src/config';
import { loadCopierConfig } from '../migration/src/copier/copier-config';
import { parseCopierArgs } from '../migration/src/copier/main';
import { loadBrokerConfig } from '../pacer/src/config';
import { CONTROLLER_FLAGS, flagOverrides, loadControllerConfig } from '../pacer/src/controller/controller-config';
import { POOL_MANAGER_RULES } from '../pacer/src/worker-pools/kube-rbac';
import { loadPoolManagerConfig, parsePoolManagerArgs } from '../pacer/src/worker-pools/pool-manager-config';
import { parsePoolSpecs } from '../pacer/src/worker-pools/pool-spec';
import { REPO_ROOT } from './repo-files';

const DEPLOY = path.join(REPO_ROOT, 'deploy');
const repoText = (file: string): string => readFileSync(path.join(REPO_ROOT, file), 'utf8');

/** What the checks read: the manifests, kustomization.yaml, and the source files (a test may mutate any). */
interface World {
  readonly docs: KubernetesObject[];
  readonly kustomization: Kustomization;
  readonly source: (file: string) => string;
}

interface Kustomization {
  resources?: string[];
  configMapGenerator?: Array<{ name: string; files?: string[] }>;
  images?: Array<{ name: string; newName?: string; newTag?: string }>;
}

type Workload = V1Deployment | V1StatefulSet;

/** Where a process's admin server listens, as its own config loader reads the container. */
interface AdminAddress {
  readonly port: number;
  /** Bound to a loopback address: unreachable for the kubelet's httpGet. */
  readonly loopback: boolean;
}

interface Component {
  readonly workload: string;
  readonly container: string;
  readonly entry: string;
  /** The file of its admin/status HTTP server. */
  readonly adminSource: string;
  /** The server answers its status on every path (no route table): any probe path is a route. */
  readonly everyPath?: boolean;
  /** The readiness path the process documents. */
  readonly readiness?: string;
  readonly antiAffinity: boolean;
  readonly address: (pod: MaterializedPod, world: World) => AdminAddress;
}

const COMPONENTS: readonly Component[] = [
  {
    workload: 'pinlater-gateway', container: 'gateway', entry: 'gateway/src/main.ts', adminSource: 'gateway/src/admin/admin-http-server.ts',
    readiness: '/health', antiAffinity: false, address: gatewayAddress,
  },
  {
    workload: 'pacer-broker', container: 'broker', entry: 'pacer/src/broker/main.ts', adminSource: 'pacer/src/broker/broker-admin-server.ts',
    readiness: '/health', antiAffinity: true, address: brokerAddress,
  },
  {
    workload: 'pacer-controller', container: 'controller', entry: 'pacer/src/controller/main.ts', adminSource: 'pacer/src/controller/main.ts',
    everyPath: true, antiAffinity: true, address: controllerAddress,
  },
  {
    workload: 'pinlater-copier', container: 'copier', entry: 'migration/src/copier/main.ts', adminSource: 'migration/src/copier/main.ts',
    readiness: '/health', antiAffinity: false, address: copierAddress,
  },
  {
    workload: 'pinlater-pool-manager', container: 'pool-manager', entry: 'pacer/src/worker-pools/pool-manager-main.ts', adminSource: 'pacer/src/worker-pools/pool-manager-admin.ts',
    readiness: '/health', antiAffinity: false, address: poolManagerAddress,
  },
];

/** Stand-ins for the Secrets an operator creates (never in the repository): the local configs' fixtures. */
const SECRET_FIXTURES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'pinlater-gateway-backends': backendFixtures(),
  'pinlater-copier-backends': backendFixtures(),
  'pinlater-routing-operator': { credential: 'routing-operator:fixture-only' },
  'pinlater-admin-password-hash': { ADMIN_PASSWORD_HASH: 'f'.repeat(64) },
  'pinlater-pacer-broker-mysql': { password: 'fixture-only' },
};

function backendFixtures(): Record<string, string> {
  return { 'redis.json': repoText('config/redis.local.json'), 'mysql.json': repoText('config/mysql.local.json'), 'pacer.json': repoText('config/pacer-cluster.local.json') };
}

const SENSITIVE_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|HASH|PRIVATE/i;

// ---- reading -------------------------------------------------------------------------------------

function manifestFiles(): string[] {
  return readdirSync(DEPLOY).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort();
}

function loadWorld(): World {
  const docs = manifestFiles().flatMap((f) => loadAllYaml(readFileSync(path.join(DEPLOY, f), 'utf8')) as KubernetesObject[]);
  const [kustomization] = loadAllYaml(readFileSync(path.join(DEPLOY, 'kustomization.yaml'), 'utf8')) as Kustomization[];
  return { docs, kustomization: kustomization ?? {}, source: repoText };
}

const ofKind = <T extends KubernetesObject>(world: World, kind: string): T[] => world.docs.filter((d) => d.kind === kind) as T[];
const workloads = (world: World): Workload[] => [...ofKind<V1Deployment>(world, 'Deployment'), ...ofKind<V1StatefulSet>(world, 'StatefulSet')];
const podOf = (w: Workload): V1PodSpec => w.spec?.template.spec as V1PodSpec;
const containersOf = (pod: V1PodSpec): V1Container[] => [...(pod.initContainers ?? []), ...pod.containers];

function workloadNamed(world: World, name: string): Workload {
  const found = workloads(world).find((w) => w.metadata?.name === name);
  if (found === undefined) throw new Error(`no Deployment or StatefulSet ${name} in deploy/`);
  return found;
}

/** A ConfigMap's files: one of the manifests', or one kustomization.yaml generates from deploy/ files. */
function configMapData(world: World, name: string): Record<string, string> {
  const defined = ofKind<KubernetesObject & { data?: Record<string, string> }>(world, 'ConfigMap').find((c) => c.metadata?.name === name);
  if (defined !== undefined) return defined.data ?? {};
  const generated = world.kustomization.configMapGenerator?.find((g) => g.name === name);
  if (generated === undefined) throw new Error(`ConfigMap ${name} is neither in deploy/ nor generated by kustomization.yaml`);
  return Object.fromEntries((generated.files ?? []).map((f) => [path.basename(f), readFileSync(path.join(DEPLOY, f), 'utf8')]));
}

// ---- a pod's files and environment, in a temporary directory -------------------------------------

/** The container as its process sees it, with every path under `root`. */
interface MaterializedPod {
  readonly root: string;
  readonly args: string[];
  readonly env: Record<string, string>;
}

const FIELD_VALUES: Readonly<Record<string, string>> = { 'metadata.name': 'pod-0', 'metadata.namespace': 'pinlater', 'status.podIP': '10.1.2.3' };

/** Writes the pod's volumes under a new directory, runs its `sh` init containers there, and returns the container's view. */
function materialize(world: World, pod: V1PodSpec, containerName: string): MaterializedPod {
  const root = mkdtempSync(path.join(tmpdir(), 'deploy-manifests-'));
  for (const container of containersOf(pod)) {
    for (const mount of container.volumeMounts ?? []) writeVolume(world, pod, mount.name, path.join(root, mount.mountPath));
  }
  const remap = (text: string): string => remapPaths(text, pod, root);
  for (const init of pod.initContainers ?? []) {
    const [shell, flag, script] = init.command ?? [];
    if (shell !== 'sh' || script === undefined) throw new Error(`init container ${init.name}: only \`sh -ec <script>\` init containers can be checked`);
    const run = spawnSync('sh', [flag ?? '-ec', remap(script)], { env: { PATH: process.env.PATH, ...envOf(world, init, remap) }, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`init container ${init.name} failed: ${run.stderr}`);
  }
  const container = pod.containers.find((c) => c.name === containerName);
  if (container === undefined) throw new Error(`no container ${containerName}`);
  const env = envOf(world, container, remap);
  const args = (container.args ?? []).map((a) => remap(a.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (_, name: string) => env[name] ?? `$(${name})`)));
  return { root, args, env };
}

function writeVolume(world: World, pod: V1PodSpec, name: string, dir: string): void {
  const volume = pod.volumes?.find((v) => v.name === name);
  if (volume === undefined) throw new Error(`volume ${name} is mounted but not declared`);
  mkdirSync(dir, { recursive: true });
  const files = volume.configMap !== undefined ? configMapData(world, volume.configMap.name ?? '')
    : volume.secret !== undefined ? secretFixture(volume.secret.secretName ?? '') : {};
  const items = volume.configMap?.items ?? volume.secret?.items;
  const selected = items === undefined ? Object.entries(files) : items.map((i) => [i.path, files[i.key] ?? ''] as const);
  for (const [file, text] of selected) writeFileSync(path.join(dir, file), text);
}

function secretFixture(name: string): Readonly<Record<string, string>> {
  const fixture = SECRET_FIXTURES[name];
  if (fixture === undefined) throw new Error(`Secret ${name} has no stand-in in SECRET_FIXTURES (and must be documented in deploy/README.md)`);
  return fixture;
}

/** Every absolute path below a mount point of the pod, moved under `root`. */
function remapPaths(text: string, pod: V1PodSpec, root: string): string {
  const mounts = [...new Set(containersOf(pod).flatMap((c) => (c.volumeMounts ?? []).map((m) => m.mountPath)))].sort((a, b) => b.length - a.length);
  return text.replace(new RegExp(`(^|[\\s'"=])(${mounts.map(escapeRegExp).join('|')})(?=/|$|[\\s'"])`, 'g'), (_, lead: string, mount: string) => `${lead}${path.join(root, mount)}`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The container's environment: envFrom ConfigMaps, then env (values, field refs, Secret stand-ins). */
function envOf(world: World, container: V1Container, remap: (text: string) => string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) Object.assign(env, from.configMapRef === undefined ? {} : configMapData(world, from.configMapRef.name ?? ''));
  for (const e of container.env ?? []) {
    const ref = e.valueFrom;
    if (e.value !== undefined) env[e.name] = remap(e.value);
    else if (ref?.fieldRef !== undefined) env[e.name] = FIELD_VALUES[ref.fieldRef.fieldPath] ?? '';
    else if (ref?.secretKeyRef !== undefined) env[e.name] = secretFixture(ref.secretKeyRef.name ?? '')[ref.secretKeyRef.key] ?? '';
    else if (ref?.configMapKeyRef !== undefined) env[e.name] = configMapData(world, ref.configMapKeyRef.name ?? '')[ref.configMapKeyRef.key] ?? '';
  }
  return env;
}

// ---- where each process's admin server listens, read by its own code --------------------------------

const isLoopback = (host: string): boolean => host.startsWith('127.') || host === 'localhost' || host === '::1';

/** A process's `--flag value` arguments (after the entry script) as commander option names; every flag must be declared in its main source. */
function flagValues(process: string, mainSource: string, args: readonly string[]): Record<string, string> {
  const declared = new Set([...mainSource.matchAll(/\.option\('--([a-z-]+) </g)].map((m) => m[1] as string));
  const values: Record<string, string> = {};
  for (let i = 1; i < args.length; i += 2) {
    const flag = (args[i] ?? '').replace(/^--/, '');
    if (!declared.has(flag)) throw new Error(`${process} has no option --${flag}`);
    values[flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = args[i + 1] ?? '';
  }
  return values;
}

function gatewayAddress(pod: MaterializedPod): AdminAddress {
  const config = loadGatewayConfig(pod.args.slice(1), pod.env);
  return { port: config.adminPort, loopback: isLoopback(config.host) };
}

function copierAddress(pod: MaterializedPod): AdminAddress {
  const config = loadCopierConfig(pod.env, parseCopierArgs(['node', ...pod.args]));
  if (config.statusPort === undefined) throw new Error('the copier has no --status-port: nothing to probe');
  return { port: config.statusPort, loopback: isLoopback(config.statusHost) };
}

function poolManagerAddress(pod: MaterializedPod): AdminAddress {
  const config = loadPoolManagerConfig(parsePoolManagerArgs(pod.args.slice(1)), pod.env, true);
  return { port: config.adminPort, loopback: isLoopback(config.adminHost) };
}

/** The broker's flags are its PACER_* variables (main.ts FLAGS): mapped from its source, then read by loadBrokerConfig. */
function brokerAddress(pod: MaterializedPod, world: World): AdminAddress {
  const main = world.source('pacer/src/broker/main.ts');
  const table = /const FLAGS[^{]*\{([\s\S]*?)\};/.exec(main)?.[1] ?? '';
  const variables = new Map([...table.matchAll(/(\w+): '(PACER_\w+)'/g)].map((m) => [m[1] as string, m[2] as string]));
  const overrides: Record<string, string> = {};
  for (const [option, value] of Object.entries(flagValues('pacer-broker', main, pod.args))) {
    const variable = variables.get(option);
    if (variable === undefined) throw new Error(`pacer-broker maps no variable for its option ${option}`);
    overrides[variable] = value;
  }
  const config = loadBrokerConfig(pod.env, overrides);
  if (config.adminPort === undefined) throw new Error('the broker has no --admin-port: nothing to probe');
  return { port: config.adminPort, loopback: isLoopback(config.adminHost) };
}

/** The controller reads --status-port itself (main.ts runs on import), its other flags through loadControllerConfig. */
function controllerAddress(pod: MaterializedPod, world: World): AdminAddress {
  const flags = flagValues('pacer-controller', world.source('pacer/src/controller/main.ts'), pod.args);
  const port = Number(flags.statusPort);
  if (flags.statusPort === undefined || !Number.isInteger(port)) throw new Error('the controller has no --status-port: nothing to probe');
  const config = loadControllerConfig(pod.env, flagOverrides(flags, CONTROLLER_FLAGS));
  return { port, loopback: isLoopback(config.statusHost) };
}

// ---- the routes of an admin server, from its syntax tree ----------------------------------------------

/** The paths an HTTP server's source compares the request path with (`path === '/health'`, `req.url !== '/health'`). */
function routesOf(source: string): Set<string> {
  const sf = ts.createSourceFile('admin.ts', source, ts.ScriptTarget.ES2022, true);
  const routes = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken].includes(node.operatorToken.kind)) {
      for (const side of [node.left, node.right]) if (ts.isStringLiteral(side) && side.text.startsWith('/')) routes.add(side.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return routes;
}

// ---- the probe -------------------------------------------------------------------------------------

interface ProbeTarget {
  readonly path: string;
  readonly port: number;
}

/** An httpGet probe's path and port (a named port resolved through the container's ports); undefined: not httpGet. */
function probeTarget(probe: V1Probe, container: V1Container): ProbeTarget | undefined {
  if (probe.httpGet === undefined) return undefined;
  const port = probe.httpGet.port as unknown;
  const number = typeof port === 'number' ? port : container.ports?.find((p) => p.name === port)?.containerPort;
  return { path: probe.httpGet.path ?? '/', port: number ?? Number.NaN };
}

// ---- the checks: each returns its problems ------------------------------------------------------------

function checkComponent(world: World, c: Component): string[] {
  const workload = workloadNamed(world, c.workload);
  const pod = podOf(workload);
  const container = pod.containers.find((k) => k.name === c.container);
  if (container === undefined) return [`${c.workload}: no container ${c.container}`];
  const materialized = materialize(world, pod, c.container);
  try {
    const address = c.address(materialized, world);
    const routes = routesOf(world.source(c.adminSource));
    const problems: string[] = [];
    for (const [kind, probe] of [['readiness', container.readinessProbe], ['liveness', container.livenessProbe]] as const) {
      if (probe === undefined) {
        problems.push(`${c.workload}: no ${kind}Probe`);
        continue;
      }
      const target = probeTarget(probe, container);
      if (target === undefined) problems.push(`${c.workload}: its ${kind}Probe is not httpGet (every admin server can bind a non-loopback address)`);
      else problems.push(...checkProbe(c, kind, target, address, routes));
    }
    return problems;
  } finally {
    rmSync(materialized.root, { recursive: true, force: true });
  }
}

function checkProbe(c: Component, kind: 'readiness' | 'liveness', target: ProbeTarget, address: AdminAddress, routes: ReadonlySet<string>): string[] {
  const where = `${c.workload} ${kind}Probe`;
  const problems: string[] = [];
  if (target.port !== address.port) problems.push(`${where}: port ${target.port}, but the process's admin server listens on ${address.port}`);
  if (address.loopback) problems.push(`${where}: the admin server binds a loopback address, which the kubelet's httpGet cannot reach: set its bind-host option to 0.0.0.0`);
  if (!c.everyPath && !routes.has(target.path)) problems.push(`${where}: path ${target.path} is not a route of ${c.adminSource} (routes: ${[...routes].join(', ')})`);
  if (kind === 'readiness' && c.readiness !== undefined && target.path !== c.readiness) problems.push(`${where}: path ${target.path}, the process's readiness endpoint is ${c.readiness}`);
  return problems;
}

/** A server with no route table (every path answers its status) must never answer 404. */
function checkEveryPathServers(world: World): string[] {
  return COMPONENTS.filter((c) => c.everyPath === true && /\b404\b/.test(world.source(c.adminSource))).map((c) => `${c.adminSource} answers 404 for some paths: probe one of its routes`);
}

function checkEntryPoints(world: World, buildFiles: ReadonlySet<string>): string[] {
  return COMPONENTS.flatMap((c) => {
    const container = podOf(workloadNamed(world, c.workload)).containers.find((k) => k.name === c.container);
    const [script] = container?.args ?? [];
    const expected = `dist/${c.entry.replace(/\.ts$/, '.js')}`;
    const problems: string[] = [];
    if (container?.command?.join(' ') !== 'node' || script !== expected) problems.push(`${c.workload}: runs ${[...(container?.command ?? []), script].join(' ')}, expected node ${expected}`);
    if (!buildFiles.has(c.entry)) problems.push(`${c.workload}: ${c.entry} is not compiled by tsconfig.build.json`);
    if (container?.workingDir !== '/app') problems.push(`${c.workload}: workingDir ${container?.workingDir ?? '(none)'}, the image's build is in /app`);
    return problems;
  });
}

function checkResources(world: World): string[] {
  return workloads(world).flatMap((w) => containersOf(podOf(w)).flatMap((k) => {
    const requests = k.resources?.requests ?? {};
    const missing = ['cpu', 'memory'].filter((r) => requests[r] === undefined);
    const problems = missing.length === 0 ? [] : [`${w.metadata?.name}/${k.name}: no ${missing.join(', ')} request`];
    if (k.resources?.limits?.memory === undefined) problems.push(`${w.metadata?.name}/${k.name}: no memory limit`);
    return problems;
  }));
}

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean =>
  selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

function checkDisruptionBudgets(world: World): string[] {
  const budgets = ofKind<KubernetesObject & { spec?: { selector?: { matchLabels?: Record<string, string> }; maxUnavailable?: unknown; minAvailable?: unknown } }>(world, 'PodDisruptionBudget');
  return workloads(world).flatMap((w) => {
    const labels = w.spec?.template.metadata?.labels;
    const own = budgets.filter((b) => matches(b.spec?.selector?.matchLabels, labels));
    if (own.length !== 1) return [`${w.metadata?.name}: ${own.length} PodDisruptionBudgets select its pods (one expected)`];
    const spec = own[0]?.spec;
    return spec?.maxUnavailable === undefined && spec?.minAvailable === undefined ? [`${w.metadata?.name}: its PodDisruptionBudget sets no maxUnavailable/minAvailable`] : [];
  });
}

function checkAntiAffinity(world: World): string[] {
  return COMPONENTS.filter((c) => c.antiAffinity).flatMap((c) => {
    const w = workloadNamed(world, c.workload);
    const terms = podOf(w).affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
    const own = terms.some((t) => t.topologyKey === 'kubernetes.io/hostname' && matches(t.labelSelector?.matchLabels, w.spec?.template.metadata?.labels));
    return own ? [] : [`${c.workload}: no required pod anti-affinity (kubernetes.io/hostname) against its own pods`];
  });
}

const ruleKey = (r: { apiGroups?: readonly string[]; resources?: readonly string[]; verbs?: readonly string[] }): string =>
  [r.apiGroups, r.resources, r.verbs].map((l) => [...(l ?? [])].sort().join(',')).join(' | ');

function checkRbac(world: World): string[] {
  const problems: string[] = [];
  for (const kind of ['ClusterRole', 'ClusterRoleBinding']) if (ofKind(world, kind).length > 0) problems.push(`a ${kind}: nothing cluster-wide is needed`);
  const roles = ofKind<V1Role>(world, 'Role');
  if (roles.length !== 1 || roles[0]?.metadata?.name !== 'pinlater-pool-manager') return [...problems, `exactly one Role, pinlater-pool-manager, expected (got ${roles.map((r) => r.metadata?.name).join(', ')})`];
  const have = (roles[0]?.rules ?? []).map(ruleKey).sort();
  const need = POOL_MANAGER_RULES.map(ruleKey).sort();
  if (JSON.stringify(have) !== JSON.stringify(need)) problems.push(`Role rules ${JSON.stringify(have)}, the pool manager needs exactly ${JSON.stringify(need)} (kube-rbac.ts)`);
  const bindings = ofKind<V1RoleBinding>(world, 'RoleBinding');
  const bound = bindings.filter((b) => b.roleRef.kind === 'Role' && b.roleRef.name === 'pinlater-pool-manager').flatMap((b) => b.subjects ?? []);
  if (bindings.length !== 1 || bound.length !== 1 || bound[0]?.kind !== 'ServiceAccount' || bound[0]?.name !== 'pinlater-pool-manager') problems.push('the Role must be bound to the ServiceAccount pinlater-pool-manager only');
  for (const w of workloads(world)) {
    const pod = podOf(w);
    const isManager = w.metadata?.name === 'pinlater-pool-manager';
    if (isManager && pod.serviceAccountName !== 'pinlater-pool-manager') problems.push('the pool manager does not run as ServiceAccount pinlater-pool-manager');
    if (!isManager && (pod.serviceAccountName !== undefined || pod.automountServiceAccountToken !== false)) problems.push(`${w.metadata?.name}: needs no Kubernetes API: no ServiceAccount, automountServiceAccountToken false`);
  }
  return problems;
}

/** No Secret objects, no secret values inline; sensitive variables from Secrets; every Secret used is documented. */
function checkSecrets(world: World, readme: string): string[] {
  const problems: string[] = [];
  if (ofKind(world, 'Secret').length > 0) problems.push('a Secret object in deploy/: Secrets are created by the operator, never committed');
  for (const cm of ofKind<KubernetesObject & { data?: Record<string, string> }>(world, 'ConfigMap')) {
    for (const [key, text] of Object.entries(cm.data ?? {})) {
      if (SENSITIVE_NAME.test(key) || /"(password|passwd)"\s*:|^\s*ADMIN_PASSWORD_HASH\s*=/im.test(text)) problems.push(`ConfigMap ${cm.metadata?.name} ${key}: a secret value`);
    }
  }
  for (const w of workloads(world)) {
    const pod = podOf(w);
    const secretMounts = new Set((pod.volumes ?? []).filter((v) => v.secret !== undefined).map((v) => v.name));
    for (const k of containersOf(pod)) {
      const secretPaths = (k.volumeMounts ?? []).filter((m) => secretMounts.has(m.name)).map((m) => m.mountPath);
      if ((k.args ?? []).some((a) => /password|credential|secret/i.test(a))) problems.push(`${w.metadata?.name}/${k.name}: a secret in its arguments`);
      for (const e of k.env ?? []) {
        if (!SENSITIVE_NAME.test(e.name) || e.valueFrom?.secretKeyRef !== undefined) continue;
        const isSecretFile = e.name.endsWith('_FILE') && e.value !== undefined && secretPaths.some((p) => e.value?.startsWith(`${p}/`));
        if (!isSecretFile) problems.push(`${w.metadata?.name}/${k.name}: ${e.name} must come from a Secret (secretKeyRef, or a *_FILE path in a Secret volume)`);
      }
    }
    const referenced = [
      ...(pod.volumes ?? []).flatMap((v) => (v.secret?.secretName === undefined ? [] : [v.secret.secretName])),
      ...containersOf(pod).flatMap((k) => (k.env ?? []).flatMap((e) => (e.valueFrom?.secretKeyRef?.name === undefined ? [] : [e.valueFrom.secretKeyRef.name]))),
    ];
    for (const name of referenced) if (!readme.includes(`\`${name}\``)) problems.push(`Secret ${name} (used by ${w.metadata?.name}) is not described in deploy/README.md`);
  }
  return problems;
}

/** Services select their workload's pods and target its named ports. */
function checkServices(world: World): string[] {
  return ofKind<KubernetesObject & { spec?: { selector?: Record<string, string>; ports?: Array<{ name?: string; targetPort?: unknown }> } }>(world, 'Service').flatMap((s) => {
    const target = workloads(world).find((w) => matches(s.spec?.selector, w.spec?.template.metadata?.labels));
    if (target === undefined) return [`Service ${s.metadata?.name} selects no workload's pods`];
    const portNames = new Set(podOf(target).containers.flatMap((k) => (k.ports ?? []).map((p) => p.name)));
    return (s.spec?.ports ?? []).filter((p) => typeof p.targetPort === 'string' && !portNames.has(p.targetPort)).map((p) => `Service ${s.metadata?.name}: targetPort ${String(p.targetPort)} is no container port of ${target.metadata?.name}`);
  });
}

function checkKustomization(world: World): string[] {
  const problems: string[] = [];
  const listed = [...(world.kustomization.resources ?? [])].sort();
  if (JSON.stringify(listed) !== JSON.stringify(manifestFiles())) problems.push(`kustomization.yaml resources ${listed.join(', ')} ≠ the manifests of deploy/ ${manifestFiles().join(', ')}`);
  const images = new Set(workloads(world).flatMap((w) => containersOf(podOf(w)).map((k) => k.image)));
  for (const image of images) if (!(world.kustomization.images ?? []).some((i) => i.name === image)) problems.push(`image ${image} is not set by kustomization.yaml images`);
  for (const w of workloads(world)) {
    const pod = podOf(w);
    const names = [...(pod.volumes ?? []).flatMap((v) => (v.configMap?.name === undefined ? [] : [v.configMap.name])), ...containersOf(pod).flatMap((k) => (k.envFrom ?? []).flatMap((f) => (f.configMapRef?.name === undefined ? [] : [f.configMapRef.name])))];
    for (const name of names) {
      try {
        configMapData(world, name);
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
  }
  return problems;
}

// ---- the tests -------------------------------------------------------------------------------------

const world = loadWorld();
const README = readFileSync(path.join(DEPLOY, 'README.md'), 'utf8');

function buildFiles(): Set<string> {
  const file = path.join(REPO_ROOT, 'tsconfig.build.json');
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(file, ts.sys.readFile).config, ts.sys, REPO_ROOT);
  return new Set(parsed.fileNames.map((f) => path.relative(REPO_ROOT, f)));
}

describe('deploy/ manifests', () => {
  it('parse, and kustomization.yaml ties exactly the files of deploy/, the generated ConfigMaps and the image', () => {
    expect(world.docs.length).toBeGreaterThan(10);
    expect(world.docs.every((d) => typeof d.apiVersion === 'string' && typeof d.kind === 'string' && typeof d.metadata?.name === 'string')).toBe(true);
    expect(checkKustomization(world)).toEqual([]);
  });

  it('run every process from its compiled entry point, with requests, a PodDisruptionBudget, and anti-affinity for brokers and controllers', () => {
    expect(workloads(world).map((w) => w.metadata?.name).sort()).toEqual(COMPONENTS.map((c) => c.workload).sort());
    expect(checkEntryPoints(world, buildFiles())).toEqual([]);
    expect(checkResources(world)).toEqual([]);
    expect(checkDisruptionBudgets(world)).toEqual([]);
    expect(checkAntiAffinity(world)).toEqual([]);
    expect(checkServices(world)).toEqual([]);
  });

  it.each(COMPONENTS.map((c) => [c.workload, c] as const))('%s: its probes hit routes of its admin server, on the port its own config loader reads', (_, c) => {
    expect(checkComponent(world, c)).toEqual([]);
  });

  it('servers without a route table never answer 404, so any probe path reaches them', () => {
    expect(checkEveryPathServers(world)).toEqual([]);
  });

  it('give Kubernetes API rights to the pool manager only: a namespaced Role with exactly the rules it declares', () => {
    expect(checkRbac(world)).toEqual([]);
  });

  it('hold no Secret and no secret value; sensitive variables come from Secrets, and every Secret used is documented', () => {
    expect(checkSecrets(world, README)).toEqual([]);
  });

  it('describe every file in deploy/README.md', () => {
    const files = [...manifestFiles(), 'kustomization.yaml', ...readdirSync(path.join(DEPLOY, 'pools')).map((f) => `pools/${f}`)];
    expect(files.filter((f) => !README.includes(`\`${f}\``))).toEqual([]);
  });

  it('ship sample pool specs that the pool manager accepts, running compiled workers', () => {
    const data = configMapData(world, 'pinlater-worker-pools');
    const specs = parsePoolSpecs(new Map(Object.entries(data)));
    expect(specs.length).toBeGreaterThan(0);
    for (const spec of specs) {
      const script = spec.command.find((a) => a.startsWith('dist/'));
      expect(script !== undefined && buildFiles().has(script.slice('dist/'.length).replace(/\.js$/, '.ts'))).toBe(true);
    }
  });
});

describe('the checks catch a manifest or code that drifts apart (mutated copies)', () => {
  /** A deep copy of the manifests with one change. */
  function mutated(change: (docs: KubernetesObject[]) => void): World {
    const docs = JSON.parse(JSON.stringify(world.docs)) as KubernetesObject[];
    change(docs);
    return { ...world, docs };
  }
  const gateway = COMPONENTS.find((c) => c.workload === 'pinlater-gateway') as Component;
  const broker = COMPONENTS.find((c) => c.workload === 'pacer-broker') as Component;
  const containerIn = (docs: KubernetesObject[], workload: string, name: string): V1Container =>
    (docs.find((d) => d.metadata?.name === workload && (d.kind === 'Deployment' || d.kind === 'StatefulSet')) as Workload).spec?.template.spec?.containers.find((k) => k.name === name) as V1Container;

  it('a probe path renamed in a manifest', () => {
    const drifted = mutated((docs) => {
      const probe = containerIn(docs, 'pinlater-gateway', 'gateway').livenessProbe;
      if (probe?.httpGet !== undefined) probe.httpGet.path = '/alive';
    });
    expect(checkComponent(drifted, gateway)).toEqual([expect.stringContaining('path /alive is not a route of gateway/src/admin/admin-http-server.ts')]);
  });

  it('a route renamed in the admin server', () => {
    const source = (file: string): string => (file === broker.adminSource ? repoText(file).replace("path === '/health'", "path === '/healthz'") : repoText(file));
    expect(checkComponent({ ...world, source }, broker)).toEqual([expect.stringContaining('path /health is not a route of pacer/src/broker/broker-admin-server.ts')]);
  });

  it("a probe's port that is not the broker's --admin-port", () => {
    const drifted = mutated((docs) => {
      const probe = containerIn(docs, 'pacer-broker', 'broker').readinessProbe;
      if (probe?.httpGet !== undefined) probe.httpGet.port = 9022;
    });
    expect(checkComponent(drifted, broker)).toEqual([expect.stringContaining('port 9022, but the process\'s admin server listens on 9021')]);
  });

  it.each([
    ['pacer-broker', 'broker', '--admin-host'],
    ['pacer-controller', 'controller', '--status-host'],
    ['pinlater-copier', 'copier', '--status-host'],
  ] as const)('%s: its bind-host option removed (httpGet probes on a server bound to 127.0.0.1)', (workload, name, option) => {
    const drifted = mutated((docs) => {
      const container = containerIn(docs, workload, name);
      const args = container.args ?? [];
      const at = args.indexOf(option);
      expect(at).toBeGreaterThan(0);
      args.splice(at, 2);
    });
    const component = COMPONENTS.find((c) => c.workload === workload) as Component;
    expect(checkComponent(world, component)).toEqual([]);
    expect(checkComponent(drifted, component)).toEqual([expect.stringContaining('readinessProbe: the admin server binds a loopback address'), expect.stringContaining('livenessProbe: the admin server binds a loopback address')]);
  });

  it('an exec probe instead of httpGet', () => {
    const drifted = mutated((docs) => {
      const container = containerIn(docs, 'pinlater-copier', 'copier');
      container.livenessProbe = { exec: { command: ['true'] } };
    });
    const copier = COMPONENTS.find((c) => c.workload === 'pinlater-copier') as Component;
    expect(checkComponent(drifted, copier)).toEqual([expect.stringContaining('livenessProbe is not httpGet')]);
  });

  it("the gateway's admin port moved in its properties", () => {
    const drifted = mutated((docs) => {
      const config = docs.find((d) => d.kind === 'ConfigMap' && d.metadata?.name === 'pinlater-config') as KubernetesObject & { data: Record<string, string> };
      config.data['gateway.properties'] = (config.data['gateway.properties'] ?? '').replace('OSTRICH_PORT=9999', 'OSTRICH_PORT=9998');
    });
    expect(checkComponent(drifted, gateway)).toEqual([expect.stringContaining('listens on 9998'), expect.stringContaining('listens on 9998')]);
  });

  it('a Role rule broader than the pool manager needs, and a password inline', () => {
    const drifted = mutated((docs) => {
      const role = docs.find((d) => d.kind === 'Role') as V1Role;
      role.rules?.[0]?.verbs.push('update');
      const broker = containerIn(docs, 'pacer-broker', 'broker');
      broker.env = [...(broker.env ?? []).filter((e) => e.name !== 'PACER_MYSQL_PASSWORD'), { name: 'PACER_MYSQL_PASSWORD', value: 'hunter2' }];
    });
    expect(checkRbac(drifted)).toEqual([expect.stringContaining('Role rules')]);
    expect(checkSecrets(drifted, README)).toEqual([expect.stringContaining('PACER_MYSQL_PASSWORD must come from a Secret')]);
  });
});
