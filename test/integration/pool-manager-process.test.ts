/**
 * `pacer/src/worker-pools/pool-manager-main.ts` as a process, against the fake Kubernetes API
 * server through a kubeconfig: `--dry-run` prints the plan on stdout and writes nothing; the
 * long-running manager serves /health (503 until a pass succeeded, then 200 with the pools) and
 * /live, and exits 0 on SIGTERM; `--once` in a missing namespace exits 1 with one clear line; an
 * invalid pool spec exits 2 naming the file and field.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { poolName } from '../../pacer/src/worker-pools/pool-name';
import { eventually } from '../support/eventually';
import { FakeKubeApi } from '../support/fake-kube-api';
import { freePort } from '../support/free-port';
import { assertNoLeaks } from '../support/leak-check';
import { ClusterProcess } from '../support/pacer-processes';
import { BacklogServer, NAMESPACE, SpecFiles } from './pool-manager-fixtures';

const ROOT = join(__dirname, '..', '..');
const Q = 'send_Mail';
const EXIT_TIMEOUT_MS = 30_000;

describe('pinlater-pool-manager process', () => {
  let fake: FakeKubeApi;
  let backlog: BacklogServer;
  let specs: SpecFiles;
  let kubeconfig: string;
  const processes: ClusterProcess[] = [];

  beforeAll(async () => {
    fake = await FakeKubeApi.start({ namespaces: [NAMESPACE] });
    backlog = await BacklogServer.start();
    specs = new SpecFiles();
    specs.write(Q, { minReplicas: 1, maxReplicas: 6 });
    backlog.set(Q, { ready: 320 });
    kubeconfig = fake.writeKubeconfig(NAMESPACE);
  });

  afterAll(async () => {
    for (const p of processes.filter((x) => x.running)) {
      p.signal('SIGKILL');
      await p.exited();
    }
    await fake.close();
    await backlog.close();
    specs.close();
  });
  afterAll(assertNoLeaks);

  function run(args: readonly string[], specsDir = specs.dir): ClusterProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', 'pacer/src/worker-pools/pool-manager-main.ts',
      '--specs', specsDir, '--namespace', NAMESPACE, '--gateway', 'pinlater-gateway:9090', '--backlog-url', backlog.url, '--kubeconfig', kubeconfig, ...args], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    });
    const p = new ClusterProcess('pinlater-pool-manager', child);
    processes.push(p);
    return p;
  }

  async function exitCode(p: ClusterProcess): Promise<number | null> {
    return Promise.race([p.exited(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no exit within ${EXIT_TIMEOUT_MS} ms:\n${p.output}`)), EXIT_TIMEOUT_MS).unref())]);
  }

  it('one-shot runs: --dry-run prints the plan and writes nothing; a missing namespace and a bad spec exit with one clear line', async () => {
    const bad = new SpecFiles();
    bad.writeRaw('broken.json', JSON.stringify({ queue: 'ok_queue', image: 'x', command: [], resources: { requests: {} }, minReplicas: 1, maxReplicas: 1, targetBacklogPerReplica: 1, scaleDownDelaySeconds: 0, concurrency: 1 }));
    try {
      const dry = run(['--dry-run']);
      const missing = run(['--once', '--namespace', 'nowhere']);
      const invalid = run(['--once'], bad.dir);
      const codes = await Promise.all([dry, missing, invalid].map(exitCode));

      expect(codes[0]).toBe(0);
      const printed = dry.streams.stdout.split('\n');
      expect(printed[0]).toBe(`# dry run: namespace ${NAMESPACE}, the pool manager scales the pools; nothing was applied`);
      expect(printed[1]).toBe(`create Deployment ${poolName(Q)} (queue ${Q}): replicas 4, image registry.example.com/send_mail:1`);
      const manifest = JSON.parse(printed.slice(2, printed.indexOf('    }') + 1).join('\n')) as { metadata: { annotations: object }; spec: { template: { spec: object } } };
      expect(manifest.metadata.annotations).toEqual({ 'pinlater.io/queue': Q });
      expect(manifest.spec.template.spec).toMatchObject({ terminationGracePeriodSeconds: 45 });
      expect(printed.slice(-2)).toEqual(['1 change(s): 1 create; 0 unchanged', '']);
      expect(fake.writes().filter((r) => r.path.includes(`/namespaces/${NAMESPACE}/`))).toEqual([]); // the dry run's namespace

      expect(codes[1]).toBe(1);
      const errors = missing.output.split('\n').filter((l) => l.includes('"level":50'));
      expect(errors).toHaveLength(1);
      expect(JSON.parse(errors[0] ?? '{}')).toMatchObject({ msg: `namespace "nowhere" does not exist on ${fake.url}: create it (kubectl create namespace nowhere) or pass the right --namespace` });
      expect(missing.output).not.toContain('    at ');

      expect(codes[2]).toBe(2);
      expect(invalid.output).toContain(`${join(bad.dir, 'broken.json')}: command: `);
    } finally {
      bad.close();
    }
  });

  it('runs: /health is 503 until a pass succeeded, then 200 with the pools; /live; SIGTERM exits 0', async () => {
    fake.deny('patch', 'deployments');
    const port = await freePort();
    const manager = run(['--admin-port', String(port), '--admin-host', '127.0.0.1', '--interval', '0.2']);
    await manager.waitFor('pinlater-pool-manager started', EXIT_TIMEOUT_MS);
    const health = async (): Promise<{ status: number; body: Record<string, unknown> }> => {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    await eventually(async () => expect((await health()).body.lastError).toEqual(expect.stringContaining('RBAC denies the pool manager "patch" on deployments.apps')), { timeoutMs: 10_000 });
    expect((await health()).status).toBe(503);
    expect((await (await fetch(`http://127.0.0.1:${port}/live`)).text()).trim()).toBe('OK');

    fake.allowAll();
    await eventually(async () => expect((await health()).status).toBe(200), { timeoutMs: 10_000 });
    const { body } = await health();
    expect(body).toMatchObject({ ready: true, status: 'ok', mode: 'autoscaler', namespace: NAMESPACE, lastError: null });
    expect(body.pools).toEqual([expect.objectContaining({ queue: Q, name: poolName(Q), desiredReplicas: 4, currentReplicas: 4, minReplicas: 1, maxReplicas: 6 })]);

    manager.signal('SIGTERM');
    expect(await exitCode(manager)).toBe(0);
    expect(manager.logLines('pinlater-pool-manager stopped')).toHaveLength(1);
  });
});
