/**
 * `pinlater-ops local status|start|stop|restart` (issue 16; migration/src/cli/local-*.ts) as an
 * operator runs it: `node bin/pinlater-ops.cjs local …` in a child process, on a scratch process
 * table and run directory (ops-cli-local-fixtures.ts), the processes running from the repository
 * root as in the bring-up.
 *
 * 1. A scratch Pacer cluster (fresh database, fresh ZooKeeper chroot, free ports): a controller,
 *    a cluster-mode broker and a Pacer gateway started through `local start`; clients enqueue,
 *    dequeue and ack through the gateway while the broker is killed (-9, the pid of its pid file)
 *    and brought back with `local restart`; `local status` reports it down meanwhile; nothing is
 *    lost; `local stop` ends every process group (the tsx wrappers and their node children).
 * 2. The rest on a tiny node server: detached start with pid file and log, already running, stop
 *    of a whole group, a process that exits at once, a port taken by another process, an unknown
 *    name, an orphaned group after kill -9 of its leader, SIGKILL after --timeout-seconds, a
 *    process that never listens, a malformed table.
 */
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConformanceClient, JobState } from '../conformance/harness/conformance-client';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { assertNoLeaks } from '../support/leak-check';
import { zkChroot, type ZkChroot } from '../support/namespaces';
import { writeShippedProperties } from '../support/shipped-properties';
import { jsonOf } from './ops-cli-runner';
import { alive, expectExit, groupMembers, LocalScratch } from './ops-cli-local-fixtures';
import { freshPacerDb, type PacerDb } from './pacer-fixtures';

jest.setTimeout(60_000);

interface StatusDoc {
  readonly processes: Array<{ name: string; state: string; pid: number | null; pidAlive: boolean; listening: boolean; log: string; hint: string }>;
  readonly problems: string[];
  readonly exitCode: number;
}

interface ControlDoc {
  readonly results: Array<{ name: string; step: string; action: string; exitCode: string; pid: number | null; message: string; logTail: string[] }>;
  readonly exitCode: number;
}

afterAll(assertNoLeaks);

describe('a scratch Pacer cluster run through local start|status|restart|stop', () => {
  const CLUSTER = 'pacer';
  const QUEUE = 'local_cli_q';
  /** Bound on what the producer enqueues (it is stopped well before, after the restart). */
  const MAX_JOBS = 2000;
  let scratch: LocalScratch;
  let db: PacerDb;
  let chroot: ZkChroot;
  let gatewayPort: number;

  beforeAll(async () => {
    scratch = LocalScratch.create('ops-cli-local-pacer');
    [db, chroot] = await Promise.all([freshPacerDb(), zkChroot()]);
    const [controllerPort, brokerPort, brokerAdminPort, adminPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    gatewayPort = await freePort();
    const zk = `--zk ${chroot.connectString} --cluster ${CLUSTER} --session-timeout-ms 4000`;
    writeFileSync(join(scratch.dir, 'pacer.json'), JSON.stringify({
      mode: 'zookeeper', mysql: { ...db.mysql, connectionLimit: 4 }, defaultPartitions: 2, brokerCallTimeoutMs: 2000,
      zookeeper: { connect: chroot.connectString, cluster: CLUSTER, sessionTimeoutMs: 4000 },
    }));
    writeShippedProperties(join(scratch.dir, 'gateway.properties'), 'pacer.local.properties', {
      GATEWAY_HOST: '127.0.0.1', THRIFT_PORT: String(gatewayPort), OSTRICH_PORT: String(adminPort), SERVER_SET_ENABLED: 'false', GATEWAY_SHUTDOWN_GRACE_SECONDS: '1',
    }, ['QUEUE_CONFIG_FILE_PATH']);
    scratch.writeTable([
      { name: 't-controller', port: controllerPort, entry: 'pacer/src/controller/main.ts', command: `npx tsx pacer/src/controller/main.ts ${zk} --name t-controller-1 --status-port ${controllerPort} --log-level warn` },
      // ONE process (node --import tsx), so the pid of its pid file is the broker itself, as kill -9 needs.
      { name: 't-broker', port: brokerPort, entry: 'pacer/src/broker/main.ts', command: `node --import tsx pacer/src/broker/main.ts --database ${db.db.name} --port ${brokerPort} --admin-port ${brokerAdminPort} --broker-id t-broker-1 ${zk} --claim-timeout-ms 5000 --monitor-period-ms 1000 --log-level warn` },
      { name: 't-gateway', port: gatewayPort, entry: 'gateway/src/main.ts', command: `npx tsx gateway/src/main.ts --backend pacer --properties ${scratch.dir}/gateway.properties --backend-config ${scratch.dir}/pacer.json --log-level warn` },
    ]);
  });

  afterAll(async () => {
    await scratch?.close();
    await db?.db.drop();
    await chroot?.remove();
  });

  it('brings a kill -9ed broker back with local restart while clients run: nothing lost, the same pid file and log', async () => {
    const started = await scratch.local(['start', 't-controller', 't-broker', 't-gateway', '--json']);
    expectExit(started, 0);
    expect({ code: started.code, actions: jsonOf<ControlDoc>(started).results.map((r) => `${r.name}:${r.action}`) })
      .toEqual({ code: 0, actions: ['t-controller:started', 't-broker:started', 't-gateway:started'] });
    const status = await scratch.local(['status', '--json']);
    expect(status.code).toBe(0);
    expect(jsonOf<StatusDoc>(status).processes.map((p) => [p.name, p.state, p.pid === scratch.pid(p.name), p.listening])).toEqual([
      ['t-controller', 'running', true, true], ['t-broker', 'running', true, true], ['t-gateway', 'running', true, true],
    ]);

    const traffic = await Traffic.start(gatewayPort, QUEUE, MAX_JOBS);
    try {
      await traffic.acked(30);
      const brokerPid = scratch.pid('t-broker') as number;
      process.kill(brokerPid, 'SIGKILL');
      await eventually(() => expect(alive(brokerPid)).toBe(false), { timeoutMs: 10_000 });
      const enqueuedAtKill = traffic.enqueued.length;

      const down = await scratch.local(['status', '--json']);
      expect(down.code).toBe(2); // PROBLEMS
      expect(jsonOf<StatusDoc>(down).problems).toEqual(['t-broker']);
      expect(jsonOf<StatusDoc>(down).processes.find((p) => p.name === 't-broker')).toMatchObject({ state: 'stopped', pid: brokerPid, pidAlive: false, listening: false });

      const logBefore = scratch.log('t-broker');
      const restart = await scratch.local(['restart', 't-broker', '--json']);
      expectExit(restart, 0);
      const [stop, start] = jsonOf<ControlDoc>(restart).results;
      expect(stop).toMatchObject({ name: 't-broker', step: 'stop', action: 'not running' });
      expect(start).toMatchObject({ name: 't-broker', step: 'start', action: 'started' });
      const newPid = scratch.pid('t-broker');
      expect(newPid).toBe(start?.pid);
      expect(newPid).not.toBe(brokerPid);
      expect(scratch.log('t-broker').startsWith(logBefore)).toBe(true); // appended, not replaced
      expect(traffic.enqueued.length).toBeGreaterThan(enqueuedAtKill); // the clients kept going while the broker was down
      expect(traffic.failures.dequeue).toBeGreaterThan(0); // and saw it down: dequeues failed meanwhile

      const ackedAtRestart = traffic.ackedBodies.size;
      await traffic.acked(ackedAtRestart + 30); // the restarted broker serves the queue
      await traffic.stopProducing();
      await traffic.finished();
      expect(traffic.failures.enqueue).toEqual([]);
      expect(traffic.missing()).toEqual([]); // every job enqueued was dequeued and acked
      expect(await traffic.remaining()).toEqual({ pending: 0, inProgress: 0 });
    } finally {
      await traffic.close();
    }

    const groups = new Map(['t-controller', 't-broker', 't-gateway'].map((n) => [n, groupMembers(scratch.pid(n) as number)]));
    expect(groups.get('t-gateway')?.length).toBeGreaterThanOrEqual(2); // the tsx wrapper and its node child
    const stopped = await scratch.local(['stop', 't-gateway', 't-broker', 't-controller', '--json']);
    expectExit(stopped, 0);
    expect({ code: stopped.code, actions: jsonOf<ControlDoc>(stopped).results.map((r) => r.action) }).toEqual({ code: 0, actions: ['stopped', 'stopped', 'stopped'] });
    for (const [name, members] of groups) {
      expect({ name, left: members.filter(alive), pidFile: scratch.pid(name) }).toEqual({ name, left: [], pidFile: undefined });
    }
  }, 150_000);
});

describe('local start|stop|restart|status on tiny processes', () => {
  let scratch: LocalScratch;
  const ports = new Map<string, number>();
  const names = ['tiny-basic', 'tiny-fail', 'tiny-taken', 'tiny-orphan', 'tiny-stubborn', 'tiny-deaf'];

  beforeAll(async () => {
    scratch = LocalScratch.create('ops-cli-local-tiny');
    for (const name of names) ports.set(name, await freePort());
    const port = (name: string): number => ports.get(name) as number;
    scratch.writeTable([
      scratch.tiny('tiny-basic', port('tiny-basic'), ['--child']),
      scratch.tiny('tiny-fail', port('tiny-fail'), ['--fail']),
      scratch.tiny('tiny-taken', port('tiny-taken')),
      scratch.tiny('tiny-orphan', port('tiny-orphan'), ['--child']),
      scratch.tiny('tiny-stubborn', port('tiny-stubborn'), ['--child', '--ignore-term']),
      scratch.tiny('tiny-deaf', port('tiny-deaf'), ['--no-listen']),
      { name: 'tiny-missing', port: await freePort(), entry: join(scratch.dir, 'not-there.js'), command: 'node not-there.js' },
    ]);
  });

  afterAll(async () => {
    await scratch?.close();
  });

  it('start runs it detached in its own process group with a pid file and a log; again: already running; stop ends the whole group', async () => {
    const start = await scratch.local(['start', 'tiny-basic']);
    expect(start.code).toBe(0);
    const pid = scratch.pid('tiny-basic') as number;
    expect(start.stdout).toContain(`tiny-basic: started (pid ${pid}), listening on 127.0.0.1:${ports.get('tiny-basic')}`);
    expect(groupMembers(pid)).toHaveLength(2); // the process leads its own group, with its child
    expect(scratch.log('tiny-basic')).toContain(`tiny: pid ${pid}`);

    const again = await scratch.local(['start', 'tiny-basic']);
    expect({ code: again.code, out: again.stdout.trim(), pid: scratch.pid('tiny-basic') })
      .toEqual({ code: 0, out: `tiny-basic: already running (pid ${pid}) on :${ports.get('tiny-basic')}`, pid });
    const status = await scratch.local(['status', 'tiny-basic']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`tiny-basic\\s+running\\s+${pid} alive\\s+${ports.get('tiny-basic')} listening`));

    const members = groupMembers(pid);
    const stop = await scratch.local(['stop', 'tiny-basic']);
    expect(stop.code).toBe(0);
    expect(stop.stdout).toContain(`tiny-basic: stopped: SIGTERM to process group ${pid}`);
    expect({ left: members.filter(alive), pidFile: scratch.pid('tiny-basic') }).toEqual({ left: [], pidFile: undefined });
    expect(scratch.log('tiny-basic')).toContain('tiny: SIGTERM, exiting');

    const down = await scratch.local(['status', 'tiny-basic', '--json']);
    expect(down.code).toBe(2);
    expect(jsonOf<StatusDoc>(down)).toMatchObject({ processes: [{ name: 'tiny-basic', state: 'stopped', pid: null, listening: false }], problems: ['tiny-basic'] });
    const stopAgain = await scratch.local(['stop', 'tiny-basic']);
    expect({ code: stopAgain.code, out: stopAgain.stdout.trim() }).toEqual({ code: 0, out: 'tiny-basic: not running (no pid file)' });
  });

  it('a process that exits at once fails the start with the lines its log got during that start', async () => {
    writeFileSync(scratch.logFile('tiny-fail'), 'an earlier run\n');
    const run = await scratch.local(['start', 'tiny-fail']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`pinlater-ops: tiny-fail: exited (exit code 3) before listening on :${ports.get('tiny-fail')}`);
    expect(run.stderr).toContain('tiny: failing on purpose');
    expect(run.stderr).not.toContain('an earlier run');
    expect(scratch.log('tiny-fail')).toBe('an earlier run\ntiny: failing on purpose\n');
    expect(scratch.pid('tiny-fail')).toBeUndefined();
  });

  it('refuses to start a process whose port another process holds, and starts nothing', async () => {
    const server = createServer();
    server.listen(ports.get('tiny-taken'), '127.0.0.1');
    await once(server, 'listening');
    try {
      const run = await scratch.local(['start', 'tiny-taken', '--json']);
      expect(run.code).toBe(4); // REFUSED
      expect(jsonOf<ControlDoc>(run).results).toEqual([expect.objectContaining({ name: 'tiny-taken', action: 'refused', exitCode: 'REFUSED', pid: null })]);
      expect(jsonOf<ControlDoc>(run).results[0]?.message).toContain(`port ${ports.get('tiny-taken')} is in use by a process this table did not start`);
      expect(scratch.pid('tiny-taken')).toBeUndefined();
      const status = await scratch.local(['status', 'tiny-taken', '--json']);
      expect({ code: status.code, state: jsonOf<StatusDoc>(status).processes[0]?.state }).toEqual({ code: 2, state: 'port taken' });
    } finally {
      server.close();
      await once(server, 'close');
    }
  });

  it('an unknown name is a usage error listing the names, and nothing is done', async () => {
    const run = await scratch.local(['start', 'tiny-taken', 'no-such-process']);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain("unknown process 'no-such-process'");
    expect(run.stderr).toContain('lists tiny-basic, tiny-fail, tiny-taken, tiny-orphan, tiny-stubborn, tiny-deaf, tiny-missing');
    expect(scratch.pid('tiny-taken')).toBeUndefined();
    expect((await scratch.local(['status', 'nope'])).code).toBe(64);
  });

  it('kill -9 of a leader leaves its child: status says orphaned, start refuses, restart ends the group and starts again', async () => {
    expect((await scratch.local(['start', 'tiny-orphan'])).code).toBe(0);
    const pid = scratch.pid('tiny-orphan') as number;
    const [child] = groupMembers(pid).filter((p) => p !== pid);
    expect(child).toBeDefined();
    process.kill(pid, 'SIGKILL');
    await eventually(() => expect(alive(pid)).toBe(false));

    const status = await scratch.local(['status', 'tiny-orphan']);
    expect(status.code).toBe(2);
    expect(status.stdout).toContain(`tiny-orphan: pid ${pid} is gone but its process group still has processes`);
    const start = await scratch.local(['start', 'tiny-orphan']);
    expect(start.code).toBe(4);
    expect(alive(child as number)).toBe(true);

    const restart = await scratch.local(['restart', 'tiny-orphan', '--json']);
    expect(restart.code).toBe(0);
    expect(jsonOf<ControlDoc>(restart).results.map((r) => `${r.step}:${r.action}`)).toEqual(['stop:stopped', 'start:started']);
    expect(alive(child as number)).toBe(false);
    expect((await scratch.local(['stop', 'tiny-orphan'])).code).toBe(0);
  });

  it('a process group that ignores SIGTERM is killed (SIGKILL) after --timeout-seconds', async () => {
    expect((await scratch.local(['start', 'tiny-stubborn'])).code).toBe(0);
    const members = groupMembers(scratch.pid('tiny-stubborn') as number);
    expect(members).toHaveLength(2);
    const stop = await scratch.local(['stop', 'tiny-stubborn', '--timeout-seconds', '1']);
    expect(stop.code).toBe(0);
    expect(stop.stdout).toMatch(/still running after 1 s, SIGKILL, gone after/);
    expect(members.filter(alive)).toEqual([]);
    expect(scratch.log('tiny-stubborn')).toContain('tiny: SIGTERM ignored');
  });

  it('a process that does not listen within --timeout-seconds fails the start and is left running; its entry missing: refused', async () => {
    const run = await scratch.local(['start', 'tiny-deaf', '--timeout-seconds', '1']);
    expect(run.code).toBe(1);
    const pid = scratch.pid('tiny-deaf') as number;
    expect(run.stderr).toContain(`tiny-deaf: pid ${pid} is not listening on :${ports.get('tiny-deaf')} after 1 s; left running`);
    expect(run.stderr).toContain(`tiny: pid ${pid}`);
    const status = await scratch.local(['status', 'tiny-deaf', '--json']);
    expect({ code: status.code, state: jsonOf<StatusDoc>(status).processes[0]?.state }).toEqual({ code: 2, state: 'not listening' });
    expect((await scratch.local(['stop', 'tiny-deaf'])).code).toBe(0);
    expect(alive(pid)).toBe(false);

    const missing = await scratch.local(['start', 'tiny-missing']);
    expect({ code: missing.code, err: missing.stderr }).toEqual({ code: 4, err: expect.stringContaining('not-there.js does not exist') });
  });

  it('a malformed table fails with the number of every bad line', async () => {
    const bad = join(scratch.dir, 'bad.conf');
    writeFileSync(bad, ['[processes]', 'ok|9000|x.js|node x.js|fine', 'broken|notaport|x.js|node x.js|h', "quoted|9001|x.js|node x.js 'a b'|h"].join('\n'));
    const run = await scratch.local(['status'], bad);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("line 3: port 'notaport': expected 1-65535");
    expect(run.stderr).toContain('line 4: command of quoted: shell syntax');
  });
});

/** Clients of the Pacer gateway: a producer enqueueing batches until stopped (at most `max` jobs), a worker dequeueing and acking. */
class Traffic {
  readonly enqueued: string[] = [];
  readonly ackedBodies = new Set<string>();
  readonly failures = { enqueue: [] as string[], dequeue: 0, ack: 0 };
  private stopping = false;
  private producing = true;
  private loops: Promise<void>[] = [];
  private production: Promise<void> = Promise.resolve();

  private constructor(private readonly producer: ConformanceClient, private readonly worker: ConformanceClient, private readonly queue: string, private readonly max: number) {}

  static async start(port: number, queue: string, max: number): Promise<Traffic> {
    const address = { host: '127.0.0.1', port };
    const [producer, worker] = await Promise.all([ConformanceClient.connect(address, 'local-cli-producer'), ConformanceClient.connect(address, 'local-cli-worker')]);
    await producer.createQueue(queue);
    const traffic = new Traffic(producer, worker, queue, max);
    traffic.production = traffic.produce();
    traffic.loops = [traffic.production, traffic.work()];
    return traffic;
  }

  /** Enqueues never need the broker (they are written to MySQL): a failed one fails the test. */
  private async produce(): Promise<void> {
    for (let i = 0; i < this.max && this.producing && !this.stopping; i += 5) {
      const bodies = Array.from({ length: 5 }, (_, k) => `job-${i + k}`);
      try {
        await this.producer.enqueue(this.queue, bodies.map((body) => ({ body })));
        this.enqueued.push(...bodies);
      } catch (e) {
        this.failures.enqueue.push(String(e));
      }
      await sleep(100);
    }
  }

  /** Dequeues fail while no broker serves the queue: retried. Acks go to MySQL: retried until they pass. */
  private async work(): Promise<void> {
    while (!this.stopping && (this.producing || this.ackedBodies.size < this.enqueued.length)) {
      let jobs: Record<string, Buffer> = {};
      try {
        jobs = (await this.worker.dequeue({ queue: this.queue, limit: 10 })).jobs ?? {};
      } catch {
        this.failures.dequeue += 1;
      }
      const descriptors = Object.keys(jobs);
      if (descriptors.length === 0) {
        await sleep(100);
        continue;
      }
      await this.ack(descriptors);
      for (const body of Object.values(jobs)) this.ackedBodies.add(Buffer.from(body).toString());
    }
  }

  private async ack(descriptors: string[]): Promise<void> {
    for (;;) {
      try {
        await this.worker.ack({ queue: this.queue, succeeded: descriptors.map((descriptor) => ({ descriptor })) });
        return;
      } catch {
        this.failures.ack += 1;
        if (this.stopping) return;
        await sleep(200);
      }
    }
  }

  async acked(n: number): Promise<void> {
    await eventually(() => expect(this.ackedBodies.size).toBeGreaterThanOrEqual(n), { timeoutMs: 30_000 });
  }

  async stopProducing(): Promise<void> {
    this.producing = false;
    await this.production;
  }

  /** Waits until every job enqueued is acked (jobs claimed by the killed broker come back after the claim timeout). */
  async finished(): Promise<void> {
    await eventually(() => expect(this.ackedBodies.size).toBe(this.enqueued.length), { timeoutMs: 60_000, intervalMs: 200 });
  }

  missing(): string[] {
    return this.enqueued.filter((b) => !this.ackedBodies.has(b));
  }

  async remaining(): Promise<{ pending: number; inProgress: number }> {
    const count = (state: (typeof JobState)[keyof typeof JobState]): Promise<number> => this.producer.count({ queue: this.queue, state });
    return { pending: await count(JobState.PENDING), inProgress: await count(JobState.IN_PROGRESS) };
  }

  async close(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
    await Promise.all([this.producer.close(), this.worker.close()]);
  }
}
