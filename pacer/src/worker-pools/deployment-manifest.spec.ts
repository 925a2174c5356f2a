import { deploymentManifest } from './deployment-manifest';
import { parsePoolSpec, type PoolSpec } from './pool-spec';
import { poolName } from './pool-name';

function spec(overrides: Record<string, unknown> = {}): PoolSpec {
  const { spec: s, problems } = parsePoolSpec(JSON.stringify({
    queue: 'Thumb_nails', image: 'registry.example.com/thumbs:1.4', command: ['node', 'worker.js'], env: { LOG_LEVEL: 'info' },
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } },
    minReplicas: 1, maxReplicas: 10, targetBacklogPerReplica: 100, scaleDownDelaySeconds: 300, concurrency: 8, ...overrides,
  }), 'thumbs.json');
  if (s === undefined) throw new Error(problems.join('\n'));
  return s;
}

describe('deploymentManifest', () => {
  const options = { namespace: 'pinlater', gateway: 'gateway:9090', terminationGracePeriodSeconds: 45, replicas: 3 };

  it('names the Deployment after the pool and marks it as the manager\'s, with the exact queue as an annotation', () => {
    const m = deploymentManifest(spec(), options);
    const name = poolName('Thumb_nails');
    expect(m.metadata).toEqual({
      name, namespace: 'pinlater',
      labels: { 'app.kubernetes.io/managed-by': 'pinlater-pool-manager', 'app.kubernetes.io/component': 'worker', 'pinlater.io/pool': name },
      annotations: { 'pinlater.io/queue': 'Thumb_nails' },
    });
    expect(m.spec.selector).toEqual({ matchLabels: { 'pinlater.io/pool': name } });
    expect(m.spec.template.metadata.labels).toEqual(m.metadata.labels);
  });

  it('runs the spec\'s image, command and resources with the runtime environment and the grace period', () => {
    const m = deploymentManifest(spec(), options);
    expect(m.spec.replicas).toBe(3);
    expect(m.spec.template.spec.terminationGracePeriodSeconds).toBe(45);
    expect(m.spec.template.spec.containers).toEqual([{
      name: 'worker', image: 'registry.example.com/thumbs:1.4', command: ['node', 'worker.js'],
      env: [
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'PINLATER_QUEUE', value: 'Thumb_nails' },
        { name: 'PINLATER_GATEWAY', value: 'gateway:9090' },
        { name: 'PINLATER_WORKER_CONCURRENCY', value: '8' },
        { name: 'PINLATER_WORKER_POOL', value: poolName('Thumb_nails') },
      ],
      resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } },
    }]);
  });

  it('without a statusPort: no container port, no probes, no status variables', () => {
    const [container] = deploymentManifest(spec(), options).spec.template.spec.containers;
    expect(container && Object.keys(container).sort()).toEqual(['command', 'env', 'image', 'name', 'resources']);
    expect(container?.env.map((e) => e.name)).not.toContain('PINLATER_WORKER_STATUS_PORT');
  });

  it('with a statusPort: the worker listens on every interface there, and the kubelet probes /health (readiness) and /live (liveness)', () => {
    const [container] = deploymentManifest(spec({ statusPort: 9100 }), options).spec.template.spec.containers;
    expect(container?.env).toEqual(expect.arrayContaining([
      { name: 'PINLATER_WORKER_STATUS_PORT', value: '9100' }, { name: 'PINLATER_WORKER_STATUS_HOST', value: '0.0.0.0' },
    ]));
    expect(container?.ports).toEqual([{ name: 'status', containerPort: 9100, protocol: 'TCP' }]);
    const thresholds = { periodSeconds: 10, timeoutSeconds: 2, successThreshold: 1, failureThreshold: 3 };
    expect(container?.readinessProbe).toEqual({ httpGet: { path: '/health', port: 'status', scheme: 'HTTP' }, ...thresholds });
    expect(container?.livenessProbe).toEqual({ httpGet: { path: '/live', port: 'status', scheme: 'HTTP' }, initialDelaySeconds: 10, ...thresholds });
  });

  it('leaves replicas out when another controller owns them', () => {
    const m = deploymentManifest(spec(), { ...options, replicas: undefined });
    expect('replicas' in m.spec).toBe(false);
    expect(JSON.parse(JSON.stringify(m)).spec.replicas).toBeUndefined();
  });
});
