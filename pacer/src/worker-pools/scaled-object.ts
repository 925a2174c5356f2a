/**
 * The KEDA route (`--keda`): instead of scaling a pool itself, the pool manager applies one
 * `ScaledObject` (keda.sh/v1alpha1) per pool and KEDA's HPA sets the Deployment's replicas. The
 * trigger is KEDA's `metrics-api` scaler on the gateway's backlog endpoint (autoscaler-backlog.ts):
 * `valueLocation: ready` with `targetValue` = the spec's targetBacklogPerReplica
 * (`AverageValue`: replicas = ready ÷ target), min/max from the spec, and the HPA's scale-down
 * stabilization window = the spec's scaleDownDelaySeconds (the same hysteresis as the manager's
 * own autoscaler; the HPA's 10% tolerance plays the tolerance band).
 */
import type { KubeObject, KubeObjectMeta } from './kube-object';
import { apiVersionOf, KINDS } from './kube-object';
import { QUEUE_ANNOTATION, poolLabels } from './kube-labels';
import { backlogUrl } from './autoscaler-backlog';
import { poolName } from './pool-name';
import type { PoolSpec } from './pool-spec';

export interface ScaledObjectOptions {
  readonly namespace: string;
  /** The gateway admin base URL KEDA polls (a Service in front of the gateways, as KEDA reaches it). */
  readonly backlogBase: string;
}

export interface ScaledObjectManifest extends KubeObject {
  readonly apiVersion: string;
  readonly kind: 'ScaledObject';
  readonly metadata: KubeObjectMeta & { namespace: string; labels: Record<string, string>; annotations: Record<string, string> };
  readonly spec: {
    scaleTargetRef: { apiVersion: string; kind: 'Deployment'; name: string };
    minReplicaCount: number;
    maxReplicaCount: number;
    advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: number } } } };
    triggers: { type: 'metrics-api'; metricType: 'AverageValue'; metadata: Record<string, string> }[];
  };
}

export function scaledObjectManifest(spec: PoolSpec, options: ScaledObjectOptions): ScaledObjectManifest {
  const name = poolName(spec.queue);
  return {
    apiVersion: apiVersionOf(KINDS.ScaledObject),
    kind: 'ScaledObject',
    metadata: { name, namespace: options.namespace, labels: poolLabels(name), annotations: { [QUEUE_ANNOTATION]: spec.queue } },
    spec: {
      scaleTargetRef: { apiVersion: apiVersionOf(KINDS.Deployment), kind: 'Deployment', name },
      minReplicaCount: spec.minReplicas,
      maxReplicaCount: spec.maxReplicas,
      advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: spec.scaleDownDelaySeconds } } } },
      triggers: [{
        type: 'metrics-api',
        metricType: 'AverageValue',
        // KEDA trigger metadata values are strings.
        metadata: { url: backlogUrl(options.backlogBase, spec.queue), format: 'json', valueLocation: 'ready', targetValue: String(spec.targetBacklogPerReplica) },
      }],
    },
  };
}
