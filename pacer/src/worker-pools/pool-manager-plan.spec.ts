import { deploymentManifest } from './deployment-manifest';
import { MANAGED_BY_LABEL } from './kube-labels';
import type { KubeObject } from './kube-object';
import { planPools, planChanges, type PlanAction, type PlanInput } from './pool-manager-plan';
import { formatPlan } from './pool-manager-plan-format';
import { poolName } from './pool-name';
import { parsePoolSpec, type PoolSpec } from './pool-spec';
import { scaledObjectManifest } from './scaled-object';

function spec(queue: string, overrides: Record<string, unknown> = {}): PoolSpec {
  const { spec: s, problems } = parsePoolSpec(JSON.stringify({
    queue, image: `${queue}:1`, command: ['node', 'w.js'], resources: { requests: { cpu: '100m' } },
    minReplicas: 1, maxReplicas: 10, targetBacklogPerReplica: 100, scaleDownDelaySeconds: 60, concurrency: 4, ...overrides,
  }), `${queue}.json`);
  if (s === undefined) throw new Error(problems.join('\n'));
  return s;
}

const options = { namespace: 'ns', gateway: 'gw:9090', terminationGracePeriodSeconds: 45, keda: undefined };

function existing(s: PoolSpec, replicas: number | undefined): KubeObject {
  return deploymentManifest(s, { namespace: 'ns', gateway: 'gw:9090', terminationGracePeriodSeconds: 45, replicas });
}

function plan(input: Partial<PlanInput>): PlanAction[] {
  return planPools({ specs: [], replicas: new Map(), deployments: [], scaledObjects: [], options, ...input });
}

const kinds = (actions: readonly PlanAction[]): string[] => actions.map((a) => `${a.kind} ${a.object} ${a.queue ?? '?'}`);

describe('planPools', () => {
  it('creates, updates, scales, deletes and leaves alone, one action per object', () => {
    const [a, b, c, d] = [spec('a'), spec('b'), spec('c'), spec('d')];
    const stale = existing(spec('gone'), 2);
    const actions = plan({
      specs: [d, c, b, a],
      replicas: new Map([['a', 2], ['b', 5], ['c', 3], ['d', 1]]),
      deployments: [existing(spec('b', { image: 'b:0' }), 5), existing(c, 2), existing(d, 1), stale],
    });
    expect(kinds(actions)).toEqual(['create Deployment a', 'update Deployment b', 'scale Deployment c', 'unchanged Deployment d', 'delete Deployment gone']);
    expect(actions[1]).toMatchObject({ changes: [{ field: 'spec.template.spec.containers[worker].image', from: '"b:0"', to: '"b:1"' }] });
    expect(actions[2]).toMatchObject({ from: 2, to: 3 });
    expect(planChanges(actions)).toBe(true);
    expect(planChanges([actions[3] as PlanAction])).toBe(false);
  });

  it('starts a pool at minReplicas when the autoscaler has not decided', () => {
    const [create] = plan({ specs: [spec('a', { minReplicas: 3 })] });
    expect(create?.kind === 'create' && (create.manifest.spec as { replicas: number }).replicas).toBe(3);
  });

  it('never deletes an object without the managed-by label', () => {
    const foreign = existing(spec('x'), 1);
    delete foreign.metadata.labels?.[MANAGED_BY_LABEL];
    expect(plan({ deployments: [foreign] })).toEqual([]);
  });

  it('with KEDA: a ScaledObject per pool, replicas set only on a new Deployment', () => {
    const keda = { ...options, keda: { backlogBase: 'http://gw-admin:9011' } };
    const [a, b] = [spec('a', { minReplicas: 2 }), spec('b')];
    const actions = planPools({ specs: [a, b], replicas: new Map(), deployments: [existing(b, 7)], scaledObjects: [], options: keda });
    expect(kinds(actions)).toEqual(['create Deployment a', 'create ScaledObject a', 'unchanged Deployment b', 'create ScaledObject b']);
    expect(actions[0]).toMatchObject({ kind: 'create', initialReplicas: 2 });
    expect((actions[0] as { manifest: KubeObject }).manifest.spec).not.toHaveProperty('replicas');
    expect(formatPlan(actions)).toContain(`create Deployment ${poolName('a')} (queue a): replicas 2 at first (then KEDA's), image a:1`);
    const second = planPools({ specs: [b], replicas: new Map(), deployments: [existing(b, 7)], scaledObjects: [scaledObjectManifest(b, { namespace: 'ns', backlogBase: 'http://gw-admin:9011' })], options: keda });
    expect(kinds(second)).toEqual(['unchanged Deployment b', 'unchanged ScaledObject b']);
  });

  it('without KEDA: deletes the ScaledObjects it left behind', () => {
    const leftover = scaledObjectManifest(spec('a'), { namespace: 'ns', backlogBase: 'http://x' });
    const actions = plan({ specs: [spec('a')], replicas: new Map([['a', 1]]), deployments: [existing(spec('a'), 1)], scaledObjects: [leftover] });
    expect(actions[1]).toMatchObject({ kind: 'delete', object: 'ScaledObject', name: poolName('a'), reason: 'the pool manager scales the pools itself (no --keda)' });
  });
});

describe('formatPlan', () => {
  it('prints one line per object, the changed fields indented, and a summary', () => {
    const actions = plan({
      specs: [spec('a'), spec('b'), spec('c')],
      replicas: new Map([['a', 2], ['b', 1], ['c', 4]]),
      deployments: [existing(spec('b', { image: 'b:0' }), 1), existing(spec('c'), 3), existing(spec('old'), 1)],
    });
    expect(formatPlan(actions)).toBe([
      `create Deployment ${poolName('a')} (queue a): replicas 2, image a:1`,
      `update Deployment ${poolName('b')} (queue b):`,
      '    spec.template.spec.containers[worker].image: "b:0" → "b:1"',
      `scale Deployment ${poolName('c')} (queue c): 3 → 4`,
      `delete Deployment ${poolName('old')} (queue old): no pool spec for it`,
      '4 change(s): 1 create, 1 update, 1 scale, 1 delete; 0 unchanged',
      '',
    ].join('\n'));
  });

  it('prints the whole manifest of each object to create when asked (the dry run)', () => {
    const keda = { ...options, keda: { backlogBase: 'http://gw-admin:9011' } };
    const text = formatPlan(planPools({ specs: [spec('a')], replicas: new Map(), deployments: [], scaledObjects: [], options: keda }), { manifests: true });
    const lines = text.split('\n');
    const start = lines.indexOf(`create ScaledObject ${poolName('a')} (queue a): replicas 1..10, 100 ready jobs per replica from http://gw-admin:9011/backlog?queue=a`);
    expect(start).toBeGreaterThan(0);
    const manifest = JSON.parse(lines.slice(start + 1, lines.indexOf('    }', start) + 1).join('\n')) as { kind: string; spec: { triggers: unknown[] } };
    expect(manifest.kind).toBe('ScaledObject');
    expect(manifest.spec.triggers).toEqual([{ type: 'metrics-api', metricType: 'AverageValue', metadata: { url: 'http://gw-admin:9011/backlog?queue=a', format: 'json', valueLocation: 'ready', targetValue: '100' } }]);
  });
});
