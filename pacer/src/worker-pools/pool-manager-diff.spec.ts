import { changedFields } from './pool-manager-diff';
import type { KubeObject } from './kube-object';

function deployment(overrides: { replicas?: number; env?: { name: string; value: string }[]; cpu?: string; image?: string; extra?: Record<string, unknown> } = {}): KubeObject {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'pw-a', namespace: 'ns', labels: { 'pinlater.io/pool': 'pw-a' } },
    spec: {
      ...(overrides.replicas === undefined ? {} : { replicas: overrides.replicas }),
      template: { spec: { containers: [{ name: 'worker', image: overrides.image ?? 'img:1', command: ['node', 'w.js'], env: overrides.env ?? [{ name: 'A', value: '1' }], resources: { requests: { cpu: overrides.cpu ?? '500m' } } }] } },
      ...overrides.extra,
    },
  };
}

describe('changedFields', () => {
  it('sees no change in what the server adds (defaults, status, metadata) or in a quantity written differently', () => {
    const observed = deployment({ replicas: 2, cpu: '0.5', extra: { strategy: { type: 'RollingUpdate' }, revisionHistoryLimit: 10 } });
    (observed.metadata as { resourceVersion?: string }).resourceVersion = '7';
    expect(changedFields(deployment({ replicas: 2 }), { ...observed, status: { readyReplicas: 2 } } as KubeObject)).toEqual([]);
  });

  it('lists each changed field with its old and new value', () => {
    expect(changedFields(deployment({ replicas: 3, image: 'img:2' }), deployment({ replicas: 2 }))).toEqual([
      { field: 'spec.replicas', from: '2', to: '3' },
      { field: 'spec.template.spec.containers[worker].image', from: '"img:1"', to: '"img:2"' },
    ]);
  });

  it('keys env by name (order does not matter) and sees a removed variable', () => {
    const desired = deployment({ env: [{ name: 'A', value: '1' }] });
    expect(changedFields(desired, deployment({ env: [{ name: 'B', value: '2' }, { name: 'A', value: '1' }] }))).toEqual([
      { field: 'spec.template.spec.containers[worker].env[B].value', from: '"2"', to: undefined },
    ]);
  });

  it('owns the worker\'s ports and probes whole: probes the manifest no longer sets are a change', () => {
    const probe = { httpGet: { path: '/live', port: 'status', scheme: 'HTTP' }, periodSeconds: 10 };
    const probed = deployment();
    const container = (probed.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers[0] ?? {};
    Object.assign(container, { ports: [{ name: 'status', containerPort: 9100, protocol: 'TCP' }], livenessProbe: probe });
    expect(changedFields(probed, probed)).toEqual([]);
    expect(changedFields(deployment(), probed).map((c) => [c.field, c.to])).toEqual([
      ['spec.template.spec.containers[worker].ports[status].containerPort', undefined],
      ['spec.template.spec.containers[worker].ports[status].protocol', undefined],
      ['spec.template.spec.containers[worker].livenessProbe.httpGet.path', undefined],
      ['spec.template.spec.containers[worker].livenessProbe.httpGet.port', undefined],
      ['spec.template.spec.containers[worker].livenessProbe.httpGet.scheme', undefined],
      ['spec.template.spec.containers[worker].livenessProbe.periodSeconds', undefined],
    ]);
  });

  it('does not compare replicas the manifest leaves out (another controller owns them)', () => {
    expect(changedFields(deployment(), deployment({ replicas: 9 }))).toEqual([]);
  });
});
