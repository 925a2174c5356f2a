/**
 * The Deployment of one worker pool: name `poolName(queue)`, the manager's labels
 * (kube-labels.ts) and the exact queue as an annotation; one container `worker` with the spec's
 * image, command, resources and the runtime environment (worker-env.ts); a termination grace
 * period long enough for the SDK's SIGTERM drain (stop dequeuing, finish or checkpoint in-flight
 * jobs, send the final acks). `replicas` is the autoscaler's decision; left out (undefined) when
 * another controller owns it (KEDA's HPA, for an existing Deployment).
 *
 * A spec with a `statusPort`: the worker listens there on every interface (worker-env.ts
 * PINLATER_WORKER_STATUS_PORT/HOST), the container names it (`status`), and the kubelet probes the
 * worker SDK's status server (pacer/src/worker-sdk/worker-status-server.ts): readiness `GET /health`,
 * liveness `GET /live`. Every field the API server would default is set, so the pool manager's diff
 * (pool-manager-diff.ts, which owns ports and probes whole) sees no drift. Without one: no port, no probes.
 */
import type { KubeObject, KubeObjectMeta } from './kube-object';
import { apiVersionOf, KINDS } from './kube-object';
import { POOL_LABEL, QUEUE_ANNOTATION, poolLabels } from './kube-labels';
import { poolName } from './pool-name';
import type { PoolSpec, ResourceList } from './pool-spec';
import { WORKER_STATUS_PATHS } from '../worker-sdk/worker-status-server';
import { POD_STATUS_HOST, workerEnv } from './worker-env';

export const WORKER_CONTAINER = 'worker';
/** The container port's name, which the probes use. */
export const STATUS_PORT_NAME = 'status';

export interface DeploymentOptions {
  readonly namespace: string;
  /** host:port of the routing gateway's Thrift endpoint, as the workers reach it. */
  readonly gateway: string;
  /** Must exceed the worker SDK's shutdown deadline (pool-manager-config.ts has the default). */
  readonly terminationGracePeriodSeconds: number;
  /** Undefined: the field is not applied (another controller owns it). */
  readonly replicas: number | undefined;
}

export interface ContainerManifest {
  readonly name: string;
  readonly image: string;
  readonly command: string[];
  readonly env: { name: string; value: string }[];
  readonly resources: { requests: Record<string, string>; limits?: Record<string, string> };
  readonly ports?: ContainerPort[];
  readonly readinessProbe?: HttpProbe;
  readonly livenessProbe?: HttpProbe;
}

export interface ContainerPort {
  readonly name: string;
  readonly containerPort: number;
  readonly protocol: 'TCP';
}

export interface HttpProbe {
  readonly httpGet: { path: string; port: string; scheme: 'HTTP' };
  readonly initialDelaySeconds?: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly successThreshold: number;
  readonly failureThreshold: number;
}

export interface DeploymentManifest extends KubeObject {
  readonly apiVersion: string;
  readonly kind: 'Deployment';
  readonly metadata: KubeObjectMeta & { namespace: string; labels: Record<string, string>; annotations: Record<string, string> };
  readonly spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
      spec: { terminationGracePeriodSeconds: number; containers: ContainerManifest[] };
    };
  };
}

export function deploymentManifest(spec: PoolSpec, options: DeploymentOptions): DeploymentManifest {
  const name = poolName(spec.queue);
  const labels = poolLabels(name);
  const annotations = { [QUEUE_ANNOTATION]: spec.queue };
  return {
    apiVersion: apiVersionOf(KINDS.Deployment),
    kind: 'Deployment',
    metadata: { name, namespace: options.namespace, labels, annotations },
    spec: {
      ...(options.replicas === undefined ? {} : { replicas: options.replicas }),
      selector: { matchLabels: { [POOL_LABEL]: name } },
      template: {
        metadata: { labels: { ...labels }, annotations: { ...annotations } },
        spec: { terminationGracePeriodSeconds: options.terminationGracePeriodSeconds, containers: [workerContainer(spec, options.gateway, name)] },
      },
    },
  };
}

function workerContainer(spec: PoolSpec, gateway: string, pool: string): ContainerManifest {
  const status = spec.statusPort === undefined ? undefined : { port: spec.statusPort, host: POD_STATUS_HOST };
  const env = Object.entries(workerEnv(spec, gateway, pool, status)).map(([name, value]) => ({ name, value }));
  return {
    name: WORKER_CONTAINER,
    image: spec.image,
    command: [...spec.command],
    env,
    resources: { requests: resourceList(spec.resources.requests), ...(spec.resources.limits === undefined ? {} : { limits: resourceList(spec.resources.limits) }) },
    ...(spec.statusPort === undefined ? {} : statusPortFields(spec.statusPort)),
  };
}

/**
 * The status port and its probes. Readiness: `/health`, 200 while the worker is ready to take jobs
 * and 503 before its first answer from the gateway, while the gateway is unreachable and once it
 * is stopping (worker-sdk/worker-readiness.ts); a pod that is not ready is never restarted for it.
 * Liveness: `/live`, which answers while the process runs (also through a SIGTERM drain); three
 * misses 10 s apart restart the container.
 */
function statusPortFields(port: number): Pick<ContainerManifest, 'ports' | 'readinessProbe' | 'livenessProbe'> {
  const probe = (path: string): HttpProbe => ({
    httpGet: { path, port: STATUS_PORT_NAME, scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 2, successThreshold: 1, failureThreshold: 3,
  });
  return {
    ports: [{ name: STATUS_PORT_NAME, containerPort: port, protocol: 'TCP' }],
    readinessProbe: probe(WORKER_STATUS_PATHS.health),
    livenessProbe: { ...probe(WORKER_STATUS_PATHS.live), initialDelaySeconds: 10 },
  };
}

function resourceList(list: ResourceList): Record<string, string> {
  return { ...(list.cpu === undefined ? {} : { cpu: list.cpu }), ...(list.memory === undefined ? {} : { memory: list.memory }) };
}
