/**
 * The pool manager against a fake Kubernetes API server (test/support/fake-kube-api.ts) through
 * the real `@kubernetes/client-node`: Deployments created, updated, scaled and deleted by
 * server-side apply; a dry run that only reads; drift undone through the watch; and each fault
 * the API server can throw at it (409 Conflict, a missing namespace, RBAC 403, a dropped watch,
 * 410 Gone) ending as the expected state or a clear error.
 */
import { FIELD_MANAGER, MANAGED_BY_LABEL } from '../../pacer/src/worker-pools/kube-labels';
import type { PoolManager } from '../../pacer/src/worker-pools/pool-manager';
import { formatPlan } from '../../pacer/src/worker-pools/pool-manager-plan-format';
import { poolName } from '../../pacer/src/worker-pools/pool-name';
import { eventually } from '../support/eventually';
import { FakeKubeApi } from '../support/fake-kube-api';
import { assertNoLeaks } from '../support/leak-check';
import { BacklogServer, managerFor, NAMESPACE, SpecFiles, type ManagerFixture } from './pool-manager-fixtures';

const A = 'thumb_nails';
const B = 'Mail';

interface Probe { httpGet: { path: string; port: string | number } }
interface Container {
  image: string; command: string[]; env: { name: string; value: string }[]; resources: unknown;
  ports?: { name: string; containerPort: number }[]; readinessProbe?: Probe; livenessProbe?: Probe;
}
interface DeploymentShape { replicas: number; template: { spec: { terminationGracePeriodSeconds: number; containers: Container[] } } }

describe('pool manager reconciling into Kubernetes', () => {
  let fake: FakeKubeApi;
  let backlog: BacklogServer;
  let specs: SpecFiles;
  let fixture: ManagerFixture | undefined;

  beforeEach(async () => {
    fake = await FakeKubeApi.start({ namespaces: [NAMESPACE] });
    backlog = await BacklogServer.start();
    specs = new SpecFiles();
    specs.write(A);
    specs.write(B);
    backlog.set(A, { ready: 250 });
    backlog.set(B, { ready: 0 });
  });

  afterEach(async () => {
    await fixture?.manager.close();
    fixture = undefined;
    await fake.close();
    await backlog.close();
    specs.close();
  });
  afterAll(assertNoLeaks);

  const deployment = (queue: string): { metadata: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: DeploymentShape } | undefined =>
    fake.get('deployments', NAMESPACE, poolName(queue)) as never;
  const start = (options = {}): PoolManager => {
    fixture = managerFor(fake, specs, [backlog.url], options);
    return fixture.manager;
  };

  it('creates, updates, scales and deletes Deployments by server-side apply', async () => {
    const manager = start();
    fake.put('deployments', NAMESPACE, { metadata: { name: 'someone-elses', labels: { app: 'other' } }, spec: { replicas: 1 } });

    expect((await manager.reconcile()).errors).toEqual([]);
    const a = deployment(A);
    expect(a?.metadata.labels).toEqual({ [MANAGED_BY_LABEL]: 'pinlater-pool-manager', 'app.kubernetes.io/component': 'worker', 'pinlater.io/pool': poolName(A) });
    expect(a?.metadata.annotations).toEqual({ 'pinlater.io/queue': A });
    expect(a?.spec.replicas).toBe(3); // 250 ready / 100 per replica
    expect(a?.spec.template.spec.terminationGracePeriodSeconds).toBe(45);
    expect(a?.spec.template.spec.containers[0]).toMatchObject({
      image: 'registry.example.com/thumb_nails:1', command: ['node', 'worker.js'], resources: { requests: { cpu: '250m', memory: '256Mi' } },
      env: expect.arrayContaining([{ name: 'PINLATER_QUEUE', value: A }, { name: 'PINLATER_GATEWAY', value: 'pinlater-gateway:9090' }, { name: 'PINLATER_WORKER_POOL', value: poolName(A) }]),
    });
    expect(deployment(B)?.spec.replicas).toBe(1);
    const applies = fake.requests.filter((r) => r.verb === 'patch');
    expect(applies).toHaveLength(2);
    expect(applies.every((r) => r.contentType === 'application/apply-patch+yaml' && r.query.fieldManager === FIELD_MANAGER && r.query.force === 'true')).toBe(true);

    const writes = fake.writes().length;
    expect((await manager.reconcile()).actions.every((x) => x.kind === 'unchanged')).toBe(true);
    expect(fake.writes()).toHaveLength(writes);

    specs.write(A, { image: 'registry.example.com/thumb_nails:2' });
    backlog.set(B, { ready: 480 });
    const pass = await manager.reconcile();
    expect(pass.actions.map((x) => `${x.kind} ${x.queue ?? ''}`)).toEqual([`scale ${B}`, `update ${A}`]);
    expect(deployment(A)?.spec.template.spec.containers[0]?.image).toBe('registry.example.com/thumb_nails:2');
    expect(deployment(B)?.spec.replicas).toBe(5);

    specs.remove(B);
    expect((await manager.reconcile()).errors).toEqual([]);
    expect(deployment(B)).toBeUndefined();
    expect(fake.list('deployments', NAMESPACE).map((d) => d.metadata.name).sort()).toEqual([poolName(A), 'someone-elses'].sort());
  });

  it('probes a pool\'s workers exactly when its spec has a statusPort: readiness /health and liveness /live on the named port', async () => {
    const manager = start();
    specs.write(A, { statusPort: 9100 });
    expect((await manager.reconcile()).errors).toEqual([]);
    const probed = deployment(A)?.spec.template.spec.containers[0];
    expect(probed?.ports).toEqual([expect.objectContaining({ name: 'status', containerPort: 9100 })]);
    expect(probed?.readinessProbe?.httpGet).toEqual(expect.objectContaining({ path: '/health', port: 'status' }));
    expect(probed?.livenessProbe?.httpGet).toEqual(expect.objectContaining({ path: '/live', port: 'status' }));
    expect(probed?.env).toEqual(expect.arrayContaining([{ name: 'PINLATER_WORKER_STATUS_PORT', value: '9100' }, { name: 'PINLATER_WORKER_STATUS_HOST', value: '0.0.0.0' }]));
    const plain = deployment(B)?.spec.template.spec.containers[0];
    expect(plain).toBeDefined();
    expect([plain?.ports, plain?.readinessProbe, plain?.livenessProbe]).toEqual([undefined, undefined, undefined]);

    // A new port moves the probes with it; a spec that drops its statusPort loses port, probes and variables.
    specs.write(A, { statusPort: 9200 });
    expect((await manager.reconcile()).actions.find((x) => x.queue === A)?.kind).toBe('update');
    expect(deployment(A)?.spec.template.spec.containers[0]?.ports).toEqual([expect.objectContaining({ name: 'status', containerPort: 9200 })]);
    specs.write(A);
    const pass = await manager.reconcile();
    expect(pass.actions.find((x) => x.queue === A)?.kind).toBe('update');
    const unprobed = deployment(A)?.spec.template.spec.containers[0];
    expect([unprobed?.ports, unprobed?.readinessProbe, unprobed?.livenessProbe]).toEqual([undefined, undefined, undefined]);
    expect(unprobed?.env.map((e) => e.name).filter((n) => n.startsWith('PINLATER_WORKER_STATUS'))).toEqual([]);
    expect((await manager.reconcile()).actions.every((x) => x.kind === 'unchanged')).toBe(true);
  });

  it('keeps the last valid specs when an edit does not validate, and says so', async () => {
    const manager = start();
    await manager.reconcile();
    specs.remove(B);
    specs.writeRaw('typo.json', '{"queue": "x", "minReplicas": -1');
    const pass = await manager.reconcile();
    expect(pass.errors).toEqual([expect.stringMatching(/^the pool specs are invalid now; keeping the last valid set: invalid worker pool spec\(s\):\n  - .*typo\.json: not JSON/)]);
    expect(deployment(B)).toBeDefined(); // not deleted on the strength of a broken edit
    expect(manager.status()).toMatchObject({ ready: true, status: 'degraded' });
  });

  it('dry run: prints the diff of every object and applies nothing', async () => {
    await start().reconcile();
    specs.write(A, { image: 'registry.example.com/thumb_nails:3' });
    specs.remove(B);
    specs.write('New_Queue');
    backlog.set('New_Queue', { ready: 0 });
    backlog.set(A, { ready: 900 });
    const writes = fake.writes().length;

    const dry = managerFor(fake, specs, [backlog.url]);
    const text = formatPlan((await dry.manager.plan()).actions);
    expect(fake.writes()).toHaveLength(writes);
    expect(text).toContain(`create Deployment ${poolName('New_Queue')} (queue New_Queue): replicas 1, image registry.example.com/new_queue:1`);
    expect(text).toContain(`update Deployment ${poolName(A)} (queue ${A}):\n    spec.replicas: 3 → 9\n    spec.template.spec.containers[worker].image: "registry.example.com/thumb_nails:1" → "registry.example.com/thumb_nails:3"`);
    expect(text).toContain(`delete Deployment ${poolName(B)} (queue ${B}): no pool spec for it`);
    expect(text).toContain('3 change(s): 1 create, 1 update, 1 delete; 0 unchanged');
    await dry.manager.close();
  });

  it('409 Conflict: re-reads and applies again; a conflict that persists is a clear error', async () => {
    const manager = start();
    fake.failNext({ status: 409, method: 'PATCH', times: 2 });
    expect((await manager.reconcile()).errors).toEqual([]);
    expect(deployment(A)?.spec.replicas).toBe(3);
    const verbs = fake.requests.map((r) => r.verb);
    expect(verbs.filter((v) => v === 'get').length).toBeGreaterThanOrEqual(2); // re-read before each retry

    specs.write(A, { image: 'registry.example.com/thumb_nails:9' });
    fake.failNext({ status: 409, method: 'PATCH', times: 10 });
    const pass = await manager.reconcile();
    expect(pass.errors).toEqual([expect.stringMatching(new RegExp(`^conflict \\(409\\) to patch Deployment ${poolName(A)} in namespace "${NAMESPACE}".*still conflicting after 4 attempts`))]);
    expect(manager.status().lastError).toContain('conflict (409)');
  });

  it('missing namespace: a clear error naming it, no crash, and it goes on once the namespace exists', async () => {
    fake.deleteNamespace(NAMESPACE);
    const manager = start();
    const pass = await manager.reconcile();
    expect(pass.errors).toEqual([`namespace "${NAMESPACE}" does not exist on ${fake.url}: create it (kubectl create namespace ${NAMESPACE}) or pass the right --namespace`]);
    expect(fake.writes()).toHaveLength(1); // stopped at the first: every other object would fail the same way
    expect(manager.status()).toMatchObject({ ready: false, status: 'starting', lastError: pass.errors[0] });
    const logged = fixture?.logs.lines().filter((l) => l.level === 50) ?? [];
    expect(logged.map((l) => l.msg)).toEqual([pass.errors[0]]);
    expect(JSON.stringify(logged)).not.toContain('    at '); // a message, no stack trace

    fake.createNamespace(NAMESPACE);
    expect((await manager.reconcile()).errors).toEqual([]);
    expect(manager.status()).toMatchObject({ ready: true, status: 'ok', lastError: null });
  });

  it('RBAC denial: names the verb, resource and namespace and the Role it needs', async () => {
    const manager = start();
    fake.deny('patch', 'deployments');
    const pass = await manager.reconcile();
    expect(pass.errors).toHaveLength(2);
    expect(pass.errors[0]).toContain(`RBAC denies the pool manager "patch" on deployments.apps in namespace "${NAMESPACE}" (403 Forbidden)`);
    expect(pass.errors[0]).toContain(`its ServiceAccount needs a Role in "${NAMESPACE}" granting get, list, watch, create, patch, delete on deployments (apiGroup apps)`);
    fake.allowAll();
    fake.deny('list', 'deployments');
    expect((await manager.reconcile()).errors).toEqual([expect.stringContaining('RBAC denies the pool manager "list" on deployments.apps')]);
    fake.allowAll();
    expect((await manager.reconcile()).errors).toEqual([]);
  });

  describe('watching the managed Deployments', () => {
    async function running(): Promise<PoolManager> {
      const manager = start(); // a pass a minute: only the watch can bring a drift back soon
      manager.start();
      await eventually(() => expect(manager.status()).toMatchObject({ ready: true, watch: { state: 'watching' } }), { timeoutMs: 10_000 });
      await eventually(() => expect(manager.status().watch?.resourceVersion).toBe(String(fake.store.resourceVersion)));
      return manager;
    }

    it('undoes drift: a hand edit, a hand scale, a deleted pool, a managed Deployment no spec asks for', async () => {
      const manager = await running();
      fake.edit('deployments', NAMESPACE, poolName(A), (o) => {
        (o.spec as unknown as DeploymentShape).template.spec.containers[0]!.image = 'evil:1';
        (o.spec as unknown as DeploymentShape).replicas = 9;
      });
      await eventually(() => expect(deployment(A)?.spec).toMatchObject({ replicas: 3, template: { spec: { containers: [{ image: 'registry.example.com/thumb_nails:1' }] } } }));
      fake.remove('deployments', NAMESPACE, poolName(B));
      await eventually(() => expect(deployment(B)?.spec.replicas).toBe(1));
      fake.put('deployments', NAMESPACE, { metadata: { name: 'pw-stray-00000000', labels: { [MANAGED_BY_LABEL]: 'pinlater-pool-manager' } }, spec: {} });
      await eventually(() => expect(fake.get('deployments', NAMESPACE, 'pw-stray-00000000')).toBeUndefined());
      expect(manager.status().passes).toBeGreaterThanOrEqual(4);
    });

    it('resumes from the last resourceVersion after a dropped connection (no new list)', async () => {
      const manager = await running();
      const seen = String(fake.store.resourceVersion);
      const watchesBefore = fake.requests.filter((r) => r.verb === 'watch').length;
      expect(fake.dropWatches()).toBe(1);
      fake.edit('deployments', NAMESPACE, poolName(A), (o) => {
        (o.spec as unknown as DeploymentShape).replicas = 7; // while nobody watches
      });
      await eventually(() => expect(deployment(A)?.spec.replicas).toBe(3));
      const resumed = fake.requests.filter((r) => r.verb === 'watch').slice(watchesBefore);
      expect(resumed[0]?.query.resourceVersion).toBe(seen);
      expect(manager.status().watch).toMatchObject({ lists: 1, resumes: 1 });
    });

    it.each([
      ['an ERROR event', false],
      ['the HTTP status', true],
    ])('restarts from a fresh list on 410 Gone (%s) and catches what changed meanwhile', async (_how, asHttpStatus) => {
      const manager = await running();
      fake.expireHistory({ asHttpStatus });
      fake.dropWatches();
      fake.edit('deployments', NAMESPACE, poolName(A), (o) => {
        (o.spec as unknown as DeploymentShape).template.spec.containers[0]!.image = 'evil:2';
      });
      await eventually(() => expect(manager.status().watch?.lists).toBe(2), { timeoutMs: 10_000 });
      await eventually(() => expect(deployment(A)?.spec.template.spec.containers[0]?.image).toBe('registry.example.com/thumb_nails:1'));
      await eventually(() => expect(manager.status().watch?.state).toBe('watching'));
    });
  });
});
