import { parsePoolSpec, type PoolSpec } from './pool-spec';
import { poolName } from './pool-name';
import { scaledObjectManifest } from './scaled-object';

function spec(): PoolSpec {
  const { spec: s, problems } = parsePoolSpec(JSON.stringify({
    queue: 'mail_Out', image: 'mail:2', command: ['node', 'w.js'], resources: { requests: { cpu: '100m' } },
    minReplicas: 2, maxReplicas: 30, targetBacklogPerReplica: 250, scaleDownDelaySeconds: 600, concurrency: 4,
  }), 'mail.json');
  if (s === undefined) throw new Error(problems.join('\n'));
  return s;
}

describe('scaledObjectManifest', () => {
  it('scales the pool\'s Deployment with the metrics-api scaler on the gateway backlog', () => {
    const m = scaledObjectManifest(spec(), { namespace: 'pinlater', backlogBase: 'http://gateway-admin.pinlater.svc:9011/' });
    const name = poolName('mail_Out');
    expect(m.apiVersion).toBe('keda.sh/v1alpha1');
    expect(m.kind).toBe('ScaledObject');
    expect(m.metadata).toMatchObject({ name, namespace: 'pinlater', labels: { 'app.kubernetes.io/managed-by': 'pinlater-pool-manager', 'pinlater.io/pool': name }, annotations: { 'pinlater.io/queue': 'mail_Out' } });
    expect(m.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicaCount: 2,
      maxReplicaCount: 30,
      advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: 600 } } } },
      triggers: [{
        type: 'metrics-api', metricType: 'AverageValue',
        metadata: { url: 'http://gateway-admin.pinlater.svc:9011/backlog?queue=mail_Out', format: 'json', valueLocation: 'ready', targetValue: '250' },
      }],
    });
  });
});
