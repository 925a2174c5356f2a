/**
 * Fixtures of the pool manager's integration tests: pool spec files in a temp dir, a tiny
 * backlog HTTP server standing in for the routing gateways' `GET /backlog` (the contract of
 * pacer/src/worker-pools/autoscaler-backlog.ts, with settable counts, rates and failures), and a
 * PoolManager wired to the fake Kubernetes API server (test/support/fake-kube-api.ts) through a
 * kubeconfig, the real `@kubernetes/client-node` client in between.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../core/src/util/clock';
import { HttpBacklogSource } from '../../pacer/src/worker-pools/autoscaler-backlog-reader';
import { KubeApiClient } from '../../pacer/src/worker-pools/kube-api-client';
import { loadKubeConfig } from '../../pacer/src/worker-pools/kube-config-loader';
import { PoolManager, type PoolManagerOptions } from '../../pacer/src/worker-pools/pool-manager';
import { loadPoolSpecs } from '../../pacer/src/worker-pools/pool-spec';
import type { FakeKubeApi } from '../support/fake-kube-api';
import { captureLogs, type LogCapture } from '../support/log-capture';

export const NAMESPACE = 'pinlater-test';

/** A valid spec's JSON fields for `queue`, with overrides. */
export function poolSpecFields(queue: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    queue, image: `registry.example.com/${queue.toLowerCase()}:1`, command: ['node', 'worker.js'], env: { LOG_LEVEL: 'info' },
    resources: { requests: { cpu: '250m', memory: '256Mi' } },
    minReplicas: 1, maxReplicas: 10, targetBacklogPerReplica: 100, scaleDownDelaySeconds: 1, concurrency: 4, ...overrides,
  };
}

export class SpecFiles {
  readonly dir = mkdtempSync(join(tmpdir(), 'pool-specs-'));

  write(queue: string, overrides: Record<string, unknown> = {}): void {
    writeFileSync(join(this.dir, `${queue}.json`), JSON.stringify(poolSpecFields(queue, overrides)));
  }

  writeRaw(file: string, text: string): void {
    writeFileSync(join(this.dir, file), text);
  }

  remove(queue: string): void {
    rmSync(join(this.dir, `${queue}.json`), { force: true });
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface Backlog {
  readonly ready: number;
  readonly inProgress?: number;
  readonly future?: number;
  readonly rate?: number;
}

/** `GET /backlog?queue=q` as a gateway's admin port answers it; unknown queues are 404. */
export class BacklogServer {
  private readonly backlogs = new Map<string, Backlog>();
  private readonly failures = new Map<string, number>();
  requests = 0;

  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<BacklogServer> {
    let self: BacklogServer | undefined;
    const server = createServer((req, res) => self?.answer(req.url ?? '/', res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    self = new BacklogServer(server, `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`);
    return self;
  }

  set(queue: string, backlog: Backlog): void {
    this.backlogs.set(queue, backlog);
    this.failures.delete(queue);
  }

  /** Answers `status` for the queue until the next `set`. */
  fail(queue: string, status: number): void {
    this.failures.set(queue, status);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private answer(rawUrl: string, res: ServerResponse): void {
    this.requests += 1;
    const url = new URL(rawUrl, this.url);
    const queue = url.searchParams.get('queue') ?? '';
    const failure = this.failures.get(queue);
    const backlog = this.backlogs.get(queue);
    if (url.pathname !== '/backlog' || failure !== undefined || backlog === undefined) {
      const status = url.pathname !== '/backlog' ? 404 : failure ?? 404;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `status ${status}` }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
      queue, ready: backlog.ready, inProgress: backlog.inProgress ?? 0, future: backlog.future ?? 0,
      dequeueRatePerSecond: backlog.rate ?? 0, system: 'pacer', at: new Date().toISOString(),
    }));
  }
}

export interface ManagerFixture {
  readonly manager: PoolManager;
  readonly logs: LogCapture;
}

/** A PoolManager on the fake API server (a kubeconfig it wrote), reading the specs of `specs` and the backlog of `backlogUrls`. */
export function managerFor(fake: FakeKubeApi, specs: SpecFiles, backlogUrls: readonly string[], options: Partial<PoolManagerOptions> = {}): ManagerFixture {
  const logs = captureLogs('debug');
  const client = new KubeApiClient(loadKubeConfig({ kind: 'file', path: fake.writeKubeconfig(NAMESPACE) }), 5000);
  const manager = new PoolManager(
    { namespace: NAMESPACE, gateway: 'pinlater-gateway:9090', terminationGracePeriodSeconds: 45, intervalMs: 60_000, keda: undefined, tolerance: 0.1, ...options },
    { client, backlog: new HttpBacklogSource(backlogUrls, 1000), loadSpecs: () => loadPoolSpecs(specs.dir), clock: systemClock, logger: logs.logger },
  );
  return { manager, logs };
}
