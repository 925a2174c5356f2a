/**
 * The worker SDK's readiness on its status server (pacer/src/worker-sdk/worker-status-server.ts,
 * `Worker.readiness()` in worker-readiness.ts), against a real gateway (worker-sdk-fixtures.ts; on
 * legacy Redis only: readiness is about the gateway, not the backend behind it), the way a worker
 * process serves it (pacer/examples/example-worker-process.ts) and the kubelet probes it:
 *
 * - `/health` 503 ("not started", then no answer yet while the gateway is down) until the worker's
 *   first answer from the gateway, then 200;
 * - 503 "gateway unreachable" once the gateway is stopped under a ready worker (waited for), 200
 *   again when it is back;
 * - 503 "stopping" from the moment close() begins, while the jobs in flight finish, then
 *   "stopped";
 * - `/live` 200 throughout; the body keeps the owner's fields, plus `ready` and `reason`.
 */
import { silentLogger } from '../../core/src/logging/logger';
import { UNREACHABLE_AFTER_CALLS, WorkerStatusServer, type Job, type Worker } from '../../pacer/src/worker-sdk';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { freshQueue, workerSdkSuite, type WorkerSdkSystem } from './worker-sdk-fixtures';

jest.setTimeout(60_000);

const { system, startWorker } = workerSdkSuite('worker-sdk-readiness', 180_000, 200, ['legacy-redis']);
const WAIT = { timeoutMs: 15_000, intervalMs: 20 };

let servers: WorkerStatusServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});
afterAll(assertNoLeaks);

interface Probe {
  readonly status: number;
  readonly body: { role?: string; ready?: boolean; reason?: string };
}

/** The worker's status server as its process starts it: the owner's body, the worker's readiness. */
async function statusServer(worker: Worker): Promise<WorkerStatusServer> {
  const server = await WorkerStatusServer.listen({
    port: 0, health: () => ({ role: 'readiness-test', status: worker.status }), readiness: () => worker.readiness(), logger: silentLogger(),
  });
  servers.push(server);
  return server;
}

async function probe(server: WorkerStatusServer, path = '/health'): Promise<Probe> {
  const res = await fetch(`http://127.0.0.1:${server.port}${path}`);
  const text = await res.text();
  return { status: res.status, body: path === '/health' ? (JSON.parse(text) as Probe['body']) : {} };
}

async function expectLive(server: WorkerStatusServer): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${server.port}/live`);
  expect({ status: res.status, text: await res.text() }).toEqual({ status: 200, text: 'OK\n' });
}

/** A gate the handlers wait on until the test opens it. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

describe('worker SDK readiness (/health of the status server)', () => {
  const sys = (): WorkerSdkSystem => system('legacy-redis');

  it('is 503 before the first answer from the gateway (not started, then the gateway down) and 200 once the gateway answered', async () => {
    const s = sys();
    const queue = freshQueue('wsdk_ready_first');
    await s.createQueue(queue);
    await s.stopGateway();
    let gatewayDown = true;
    try {
      // A long wait after a failed call: the probe below sees one failed call, not a streak.
      const worker = startWorker(s, queue, { handler: () => undefined, reconnectBackoff: { initialDelayMs: 4000, maxDelayMs: 4000 } });
      const server = await statusServer(worker);
      expect(await probe(server)).toEqual({ status: 503, body: { role: 'readiness-test', status: 'created', ready: false, reason: 'not started' } });
      await worker.start();
      await eventually(() => expect(worker.counters.snapshot().callErrors).toBe(1), WAIT);
      expect(await probe(server)).toEqual({ status: 503, body: { role: 'readiness-test', status: 'running', ready: false, reason: 'no answer from the gateway yet' } });
      expect(worker.counters.snapshot().callErrors).toBeLessThan(UNREACHABLE_AFTER_CALLS);
      await expectLive(server);
      await s.startGatewayAgain();
      gatewayDown = false;
      await eventually(async () => expect(await probe(server)).toEqual({ status: 200, body: { role: 'readiness-test', status: 'running', ready: true } }), WAIT);
    } finally {
      if (gatewayDown) await s.startGatewayAgain();
    }
  });

  it('turns 503 "gateway unreachable" once the gateway is stopped under a ready worker, and 200 again when it is back', async () => {
    const s = sys();
    const queue = freshQueue('wsdk_ready_gone');
    await s.createQueue(queue);
    const worker = startWorker(s, queue, { handler: () => undefined });
    const server = await statusServer(worker);
    await worker.start();
    await eventually(async () => expect((await probe(server)).status).toBe(200), WAIT);
    await s.stopGateway();
    try {
      const gone = await eventually(async () => {
        const p = await probe(server);
        expect(p).toMatchObject({ status: 503, body: { ready: false, reason: expect.stringMatching(/^gateway unreachable: the last \d+ calls got no answer$/) } });
        return p;
      }, WAIT);
      expect(gone.body.role).toBe('readiness-test');
      await expectLive(server);
    } finally {
      await s.startGatewayAgain();
    }
    await eventually(async () => expect(await probe(server)).toMatchObject({ status: 200, body: { ready: true } }), WAIT);
  });

  it('is 503 "stopping" from the moment close() begins, while the jobs in flight finish; /live stays 200', async () => {
    const s = sys();
    const queue = freshQueue('wsdk_ready_stop');
    await s.createQueue(queue);
    await s.client.enqueue(queue, [{ body: 'held' }]);
    const release = gate();
    const worker = startWorker(s, queue, {
      handler: async (_job: Job) => {
        await release.wait;
      },
    });
    const server = await statusServer(worker);
    await worker.start();
    await eventually(() => expect(worker.inFlight).toBe(1), WAIT);
    expect((await probe(server)).status).toBe(200);
    const closing = worker.close({ deadlineMs: 10_000 });
    try {
      expect(await probe(server)).toEqual({
        status: 503, body: { role: 'readiness-test', status: 'closing', ready: false, reason: 'stopping: no more dequeues, finishing the jobs in flight' },
      });
      expect(worker.inFlight).toBe(1); // still finishing its job: stopping, not stopped
      await expectLive(server);
    } finally {
      release.open();
    }
    expect(await closing).toMatchObject({ finished: 1, unacked: [] });
    expect(await probe(server)).toMatchObject({ status: 503, body: { status: 'closed', ready: false, reason: 'stopped' } });
    await expectLive(server);
  });
});
