/**
 * The pool manager's scaling, end to end: its own autoscaler reading the backlog over HTTP from
 * the gateways' `GET /backlog` (a tiny server here) and scaling a pool's Deployment on the fake
 * API server up at once and down only after the scale-down delay; not scaling when the backlog
 * cannot be read; summing the dequeue rates of several gateways. And the KEDA route: a
 * ScaledObject per pool, replicas left to KEDA's HPA.
 */
import { FIELD_MANAGER, INITIAL_REPLICAS_FIELD_MANAGER } from '../../pacer/src/worker-pools/kube-labels';
import type { PoolManager } from '../../pacer/src/worker-pools/pool-manager';
import { poolName } from '../../pacer/src/worker-pools/pool-name';
import { eventually } from '../support/eventually';
import { FakeKubeApi } from '../support/fake-kube-api';
import { assertNoLeaks } from '../support/leak-check';
import { BacklogServer, managerFor, NAMESPACE, SpecFiles, type ManagerFixture } from './pool-manager-fixtures';

const Q = 'resize_Images';

describe('pool manager scaling', () => {
  let fake: FakeKubeApi;
  let gateways: BacklogServer[];
  let specs: SpecFiles;
  let fixture: ManagerFixture | undefined;

  beforeEach(async () => {
    fake = await FakeKubeApi.start({ namespaces: [NAMESPACE] });
    gateways = [await BacklogServer.start(), await BacklogServer.start()];
    specs = new SpecFiles();
  });

  afterEach(async () => {
    await fixture?.manager.close();
    fixture = undefined;
    await fake.close();
    await Promise.all(gateways.map((g) => g.close()));
    specs.close();
  });
  afterAll(assertNoLeaks);

  const replicas = (queue = Q): number | undefined => (fake.get('deployments', NAMESPACE, poolName(queue))?.spec as { replicas?: number } | undefined)?.replicas;
  const setBacklog = (ready: number, inProgress = 0, rates: readonly number[] = [0, 0]): void => {
    gateways.forEach((g, i) => g.set(Q, { ready, inProgress, rate: rates[i] ?? 0 }));
  };
  const start = (options = {}): PoolManager => {
    fixture = managerFor(fake, specs, gateways.map((g) => g.url), options);
    return fixture.manager;
  };

  it('scales up at once from the backlog, and down only after the scale-down delay', async () => {
    specs.write(Q, { minReplicas: 1, maxReplicas: 8, targetBacklogPerReplica: 100, scaleDownDelaySeconds: 2 });
    setBacklog(0);
    const manager = start({ intervalMs: 100 });
    manager.start();
    await eventually(() => expect(replicas()).toBe(1), { timeoutMs: 10_000 });

    setBacklog(650, 30);
    const before = manager.status().passes;
    await eventually(() => expect(replicas()).toBe(7));
    expect(manager.status().passes - before).toBeLessThanOrEqual(2); // the pass in flight or the next one

    setBacklog(40);
    const lowAt = Date.now();
    const passes = manager.status().passes;
    await eventually(() => expect(manager.status().passes).toBeGreaterThanOrEqual(passes + 3));
    expect(replicas()).toBe(7); // the lower desire has not held for the delay yet
    expect(manager.status().pools[0]).toMatchObject({ desiredReplicas: 7, currentReplicas: 7, lastDecision: 'down-delayed' });
    await eventually(() => expect(replicas()).toBe(1), { timeoutMs: 10_000 });
    expect(Date.now() - lowAt).toBeGreaterThanOrEqual(2000);
    const scaled = fixture?.logs.withMsg('autoscaler: scaling pool').map((l) => [l.from, l.to, l.reason]);
    expect(scaled).toEqual([[1, 7, 'up'], [7, 1, 'down']]);
  });

  it('keeps the replicas when the backlog cannot be read, and says so', async () => {
    specs.write(Q, { minReplicas: 1, maxReplicas: 8 });
    setBacklog(420);
    const manager = start();
    await manager.reconcile();
    expect(replicas()).toBe(5);
    for (const g of gateways) g.fail(Q, 503);
    const pass = await manager.reconcile();
    expect(pass.errors).toEqual([]);
    expect(replicas()).toBe(5);
    const [warning] = fixture?.logs.withMsg('cannot read the backlog; not scaling the pool') ?? [];
    expect(warning?.problem).toContain(`${gateways[0]?.url}/backlog?queue=${Q}: 503: the gateway cannot read the backlog now`);
    expect(manager.status().pools[0]).toMatchObject({ lastDecision: 'backlog-unread', backlogProblem: expect.stringContaining('503') });
  });

  it('sums the dequeue rate over the gateways: the replicas that rate keeps busy are a floor', async () => {
    specs.write(Q, { minReplicas: 1, maxReplicas: 20, concurrency: 4 });
    // Nothing ready (the workers keep up) but 24 jobs in flight: 6 replicas' concurrency is in use.
    setBacklog(0, 24, [30, 12.5]);
    const manager = start();
    await manager.reconcile();
    expect(replicas()).toBe(6);
    expect(manager.status().pools[0]?.backlog).toMatchObject({ ready: 0, inProgress: 24, dequeueRatePerSecond: 42.5, answered: 2, asked: 2 });
    await gateways[1]?.close();
    await manager.reconcile();
    expect(manager.status().pools[0]?.backlog).toMatchObject({ dequeueRatePerSecond: 30, answered: 1, asked: 2 });
  });

  describe('with KEDA', () => {
    const kedaOptions = (): object => ({ keda: { backlogBase: `${gateways[0]?.url ?? ''}/` } });

    it('applies a ScaledObject per pool and leaves the replicas to KEDA', async () => {
      specs.write(Q, { minReplicas: 2, maxReplicas: 12, targetBacklogPerReplica: 50, scaleDownDelaySeconds: 120 });
      const manager = start(kedaOptions());
      expect((await manager.reconcile()).errors).toEqual([]);
      const scaledObject = fake.get('scaledobjects', NAMESPACE, poolName(Q));
      expect(scaledObject?.spec).toEqual({
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: poolName(Q) },
        minReplicaCount: 2, maxReplicaCount: 12,
        advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: 120 } } } },
        triggers: [{ type: 'metrics-api', metricType: 'AverageValue', metadata: { url: `${gateways[0]?.url ?? ''}/backlog?queue=${Q}`, format: 'json', valueLocation: 'ready', targetValue: '50' } }],
      });
      expect(replicas()).toBe(2);
      expect(gateways.every((g) => g.requests === 0)).toBe(true); // KEDA reads the backlog, not the manager
      // The manager's own applies never carry replicas; the first ones come apart, under a field manager of their own.
      const applies = fake.requests.filter((r) => r.verb === 'patch' && r.path.includes('/deployments/'));
      expect(applies.map((r) => r.query.fieldManager)).toEqual([FIELD_MANAGER, INITIAL_REPLICAS_FIELD_MANAGER]);

      fake.edit('deployments', NAMESPACE, poolName(Q), (o) => {
        (o.spec as { replicas: number }).replicas = 9; // KEDA's HPA scaled it
      });
      specs.write(Q, { minReplicas: 2, maxReplicas: 12, targetBacklogPerReplica: 50, scaleDownDelaySeconds: 120, image: 'registry.example.com/resize:2' });
      const pass = await manager.reconcile();
      expect(pass.actions.map((a) => `${a.kind} ${a.object}`)).toEqual(['update Deployment', 'unchanged ScaledObject']);
      const patch = fake.requests.filter((r) => r.verb === 'patch').at(-1);
      expect(patch?.path).toContain('/deployments/');
      expect(replicas()).toBe(9);

      specs.write('other_queue');
      specs.remove(Q);
      await manager.reconcile();
      expect(fake.get('scaledobjects', NAMESPACE, poolName(Q))).toBeUndefined();
      expect(fake.get('deployments', NAMESPACE, poolName(Q))).toBeUndefined();
      expect(fake.get('scaledobjects', NAMESPACE, poolName('other_queue'))).toBeDefined();
    });

    it('does not take KEDA\'s scaling for drift', async () => {
      specs.write(Q, { minReplicas: 2 });
      const manager = start(kedaOptions());
      manager.start();
      await eventually(() => expect(manager.status()).toMatchObject({ ready: true, watch: { state: 'watching' } }), { timeoutMs: 10_000 });
      const passes = manager.status().passes;
      fake.edit('deployments', NAMESPACE, poolName(Q), (o) => {
        (o.spec as { replicas: number }).replicas = 6;
      });
      fake.edit('deployments', NAMESPACE, poolName(Q), (o) => {
        o.metadata.annotations = { ...o.metadata.annotations, 'pinlater.io/queue': 'tampered' };
      });
      // The annotation edit is drift (a pass puts it back); the replicas are KEDA's and stay.
      await eventually(() => expect(fake.get('deployments', NAMESPACE, poolName(Q))?.metadata.annotations?.['pinlater.io/queue']).toBe(Q));
      expect(manager.status().passes).toBe(passes + 1);
      expect(replicas()).toBe(6);
    });

    it('says KEDA is not installed when the cluster has no ScaledObject kind', async () => {
      fake.setKedaInstalled(false);
      specs.write(Q);
      const pass = await start(kedaOptions()).reconcile();
      expect(pass.errors).toEqual([`the API server at ${fake.url} does not serve scaledobjects.keda.sh/v1alpha1: KEDA is not installed in this cluster (install it, or run the pool manager without --keda)`]);
    });

    it('cleans up its ScaledObjects when run without KEDA again', async () => {
      specs.write(Q);
      setBacklog(0);
      await start(kedaOptions()).reconcile();
      await fixture?.manager.close();
      expect(fake.get('scaledobjects', NAMESPACE, poolName(Q))).toBeDefined();
      await start().reconcile();
      expect(fake.get('scaledobjects', NAMESPACE, poolName(Q))).toBeUndefined();
      fake.setKedaInstalled(false);
      expect((await fixture?.manager.reconcile())?.errors).toEqual([]); // no KEDA, nothing to clean up: fine
    });
  });
});
