/**
 * The Deployment of one worker pool: name `poolName(queue)`, the manager's labels
 * (kube-labels.ts) and the exact queue as an annotation; one container `worker` with the spec's
 * image, command, resources and the runtime environment (worker-env.ts); a termination grace
 * period long enough for the SDK's SIGTERM drain (stop dequeuing, finish or checkpoint in-flight
 * jobs, send the final acks). `replicas` is the autoscaler's decision; left out (undefined) when
 * another controller owns it (KEDA's HPA, for an existing Deployment).
 */
import type { KubeObject, KubeObjectMeta } from './kube-object';
import { apiVersionOf, KINDS } from './kube-object';
import { POOL_LABEL, QUEUE_ANNOTATION, poolLabels } from './kube-labels';
import { poolName } from './pool-name';
import type { PoolSpec, ResourceList } from './pool-spec';
import { workerEnv } from './worker-env';

export const WORKER_CONTAINER = 'worker';

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
  const env = Object.entries(workerEnv(spec, gateway, pool)).map(([name, value]) => ({ name, value }));
  return {
    name: WORKER_CONTAINER,
    image: spec.image,
    command: [...spec.command],
    env,
    resources: { requests: resourceList(spec.resources.requests), ...(spec.resources.limits === undefined ? {} : { limits: resourceList(spec.resources.limits) }) },
  };
}

function resourceList(list: ResourceList): Record<string, string> {
  return { ...(list.cpu === undefined ? {} : { cpu: list.cpu }), ...(list.memory === undefined ? {} : { memory: list.memory }) };
}
