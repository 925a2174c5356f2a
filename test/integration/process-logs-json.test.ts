/**
 * Issue 16, "every log line is JSON" and "controllers log membership and assignment changes":
 * every long-running process kind, each a real process, on fresh namespaces:
 *
 * - a routing gateway, a Pacer broker (cluster mode), a Pacer controller and a copier
 *   (migration-e2e-cluster.ts, Pacer in ZooKeeper mode as scripts/up.sh runs it; the broker and
 *   controller at `--log-level info`), and a demo producer against the routing gateway;
 * - a single-backend gateway over a legacy Redis cluster (test/security/support/gateway-process.ts).
 *
 * It runs traffic through both gateways, stops the broker (SIGTERM: it hands off and leaves) and
 * starts it again (the controller must log both, with the broker's id, and the assignment
 * changes), stops every process with SIGTERM (exit 0), then parses every line each process wrote
 * on stdout and on stderr as one JSON object in pino's shape. A plain-text line fails the test and
 * is printed. Processes that cannot start (invalid configuration) say why in one JSON line too.
 *
 * `/stats.txt` of both gateways: `text/plain; charset=utf-8`, valid UTF-8, no control bytes but
 * the newline, and `grep` reads it as text (the on-call trial's `grep` said "binary file matches").
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ConformanceClient } from '../conformance/harness/conformance-client';
import { startGatewayProcess, type GatewayProcess } from '../security/support/gateway-process';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { ClusterProcess } from '../support/pacer-processes';
import { testOutcome } from '../support/test-outcome';
import { E2E_BROKER_ID, E2eCluster } from './migration-e2e-cluster';

jest.setTimeout(240_000);

const ROOT = join(__dirname, '..', '..');
const QUEUE = 'logs_json_q';
const PARTITIONS = 2; // migration-e2e-cluster.ts: defaultPartitions
const WAIT = { timeoutMs: 60_000, intervalMs: 200 };

type LogLine = Record<string, unknown> & { level: number; time: number; msg: string };

let cluster: E2eCluster | undefined;
let single: GatewayProcess | undefined;
let demo: ClusterProcess | undefined;

beforeAll(async () => {
  cluster = await E2eCluster.create({ gateways: 1, pacer: 'zookeeper', pacerLogLevel: 'info' });
  await Promise.all([cluster.startProcesses(), cluster.startCopier('copier-logs', 500, 10)]);
  single = await startGatewayProcess({ backend: 'legacy-redis' });
}, 180_000);

afterEach(() => {
  const outcome = testOutcome();
  if (outcome?.scopeFailed() !== true) return;
  for (const text of cluster?.outputs() ?? []) outcome.report(text);
  if (demo !== undefined) outcome.report(`demo producer, last lines:\n${demo.output.split('\n').slice(-30).join('\n')}`);
  if (single !== undefined) outcome.report(`single-backend gateway, last lines:\n${single.output().split('\n').slice(-30).join('\n')}`);
});

afterAll(async () => {
  if (demo?.running === true) {
    demo.signal('SIGKILL');
    await demo.exited();
  }
  await single?.close();
  await cluster?.close();
}, 120_000);
afterAll(assertNoLeaks);

function theCluster(): E2eCluster {
  if (cluster === undefined) throw new Error('the cluster did not start');
  return cluster;
}

function routingGatewayPorts(): { thriftPort: number; adminPort: number } {
  const g = theCluster().gateways[0];
  if (g === undefined) throw new Error('no routing gateway');
  return g;
}

function processNamed(name: string): ClusterProcess {
  const p = [...theCluster().processes].reverse().find((x) => x.name === name);
  if (p === undefined) throw new Error(`no process ${name}`);
  return p;
}

/** The lines of `text` that parse as JSON objects (the others are the last test's business). */
function jsonLines(text: string): LogLine[] {
  const out: LogLine[] = [];
  for (const line of text.split('\n')) {
    try {
      const parsed = JSON.parse(line) as unknown;
      if (typeof parsed === 'object' && parsed !== null) out.push(parsed as LogLine);
    } catch {
      // not JSON: reported by the last test
    }
  }
  return out;
}

const linesWithMsg = (p: ClusterProcess, msg: string): LogLine[] => jsonLines(p.output).filter((l) => l.msg === msg);

/** Enqueues a job and dequeues it (once the queue's partitions are served), then acks it. */
async function roundTrip(client: ConformanceClient, queue: string, body: string): Promise<void> {
  await client.enqueue(queue, [{ body }]);
  const descriptor = await eventually(async () => {
    const got = await client.dequeue({ queue, limit: 1 });
    const [first] = Object.keys(got.jobs ?? {});
    expect(first).toBeDefined();
    return first as string;
  }, WAIT);
  await client.ack({ queue, succeeded: [{ descriptor }] });
}

describe('process logs', () => {
  it('every process kind starts with JSON startup lines that carry its address', async () => {
    const broker = processNamed('pacer-broker');
    const [listening] = linesWithMsg(broker, broker.output.match(/pacer-broker listening on [\d.]+:\d+/)?.[0] ?? 'pacer-broker listening on');
    expect(listening).toMatchObject({ level: 30, name: 'pacer-broker', brokerId: E2E_BROKER_ID, host: '127.0.0.1', mode: 'cluster' });
    expect(typeof listening?.port).toBe('number');
    expect(linesWithMsg(broker, `pacer-broker ${E2E_BROKER_ID} joined cluster pacer`)).toHaveLength(1);
    expect(linesWithMsg(processNamed('pacer-controller'), 'pacer-controller e2e-controller started')).toEqual([
      expect.objectContaining({ level: 30, name: 'pacer-controller', controller: 'e2e-controller', cluster: 'pacer', statusPort: theCluster().controllerStatusPort }),
    ]);
    expect(linesWithMsg(processNamed('copier-logs'), 'pinlater-copier copier-logs started')).toEqual([expect.objectContaining({ level: 30, copier: 'copier-logs' })]);
    expect(linesWithMsg(processNamed('e2e-gw-0'), 'gateway listening')).toEqual([expect.objectContaining({ port: routingGatewayPorts().thriftPort, adminPort: routingGatewayPorts().adminPort })]);
    expect(single?.logLines('gateway listening')).toHaveLength(1);
  });

  it('traffic flows through both gateways and the demo producer', async () => {
    const routed = await ConformanceClient.connect({ host: '127.0.0.1', port: routingGatewayPorts().thriftPort }, 'logs-json-test');
    const direct = await ConformanceClient.connect((single as GatewayProcess).address, 'logs-json-test');
    try {
      await routed.createQueue(QUEUE); // Pacer, the routing default: the controller assigns its partitions
      await roundTrip(routed, QUEUE, 'through the routing gateway');
      await direct.createQueue(QUEUE);
      await roundTrip(direct, QUEUE, 'through the single-backend gateway');
      await expect(direct.enqueue('logs_json_missing', [{ body: 'x' }])).rejects.toThrow(); // a caller error: logged and counted
      // Names no queue can have, with a NUL, control and non-ASCII characters: they reach the logs
      // and the error counters, and must leave both JSON lines and /stats.txt text.
      for (const odd of ['odd\u0000name', 'caf\u00e9\u2603', `long_${'\u00ff'.repeat(300)}`, 'esc\u001b[31m']) {
        await expect(direct.enqueue(odd, [{ body: 'x' }])).rejects.toThrow();
        await expect(routed.dequeue({ queue: odd, limit: 1 })).rejects.toThrow();
      }
    } finally {
      await routed.close();
      await direct.close();
    }
    demo = new ClusterProcess('pinlater-demo', spawn(process.execPath, [
      '--import', 'tsx', 'scripts/demo/main.ts', '--role', 'producer', '--port', String(routingGatewayPorts().thriftPort), '--queues', QUEUE, '--rate', '20',
    ], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
    await demo.waitFor('pinlater-demo started', 60_000);
  });

  it('the controller logs the broker leaving and joining, with its id, and each assignment change', async () => {
    const c = theCluster();
    const controller = processNamed('pacer-controller');
    const ownedByBroker = (l: LogLine): boolean => l.resource === QUEUE && (l.owners as Record<string, number>)[E2E_BROKER_ID] === PARTITIONS;
    await eventually(() => expect(linesWithMsg(controller, 'assignment changed').filter(ownedByBroker)).toHaveLength(1), WAIT);
    expect(linesWithMsg(controller, 'controller leadership changed')).toEqual([expect.objectContaining({ level: 30, leader: true, reason: 'won the election', controller: 'e2e-controller' })]);

    expect(await c.stopBroker()).toBe(0);
    const [left] = await eventually(() => {
      const lines = linesWithMsg(controller, 'instance left live instances');
      expect(lines).toEqual([expect.objectContaining({ level: 30, instance: E2E_BROKER_ID, live: 0 })]);
      return lines;
    }, WAIT);
    await eventually(() => expect(linesWithMsg(controller, 'assignment changed').filter((l) => l.resource === QUEUE && l.unassigned === PARTITIONS)).toHaveLength(1), WAIT);

    await c.startBroker();
    await eventually(() => {
      const joined = linesWithMsg(controller, 'instance joined live instances').filter((l) => l.instance === E2E_BROKER_ID && l.session !== left?.session);
      expect(joined).toEqual([expect.objectContaining({ level: 30, live: 1 })]);
    }, WAIT);
    await eventually(() => expect(linesWithMsg(controller, 'assignment changed').filter((l) => ownedByBroker(l) && l.assigned === PARTITIONS)).toHaveLength(2), WAIT);
    const routed = await ConformanceClient.connect({ host: '127.0.0.1', port: routingGatewayPorts().thriftPort }, 'logs-json-test');
    try {
      await roundTrip(routed, QUEUE, 'after the broker came back');
    } finally {
      await routed.close();
    }
  });

  it('/stats.txt of both gateways is UTF-8 text (text/plain; charset=utf-8) that grep reads as text', async () => {
    for (const adminPort of [routingGatewayPorts().adminPort, (single as GatewayProcess).adminPort]) {
      const res = await fetch(`http://127.0.0.1:${adminPort}/stats.txt`, { signal: AbortSignal.timeout(10_000) });
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      const bytes = Buffer.from(await res.arrayBuffer());
      const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes); // throws on a byte sequence that is not UTF-8
      expect(controlCharacters(text)).toEqual([]);
      expect(text).toMatch(/^counters:\n(.*\n)*gauges:\n(.*\n)*labels:\nmetrics:\n/);
      expect(text).toContain(`  ${QUEUE}_enqueue: `);
      const grep = spawnSync('grep', ['^counters:$'], { input: bytes, env: { PATH: process.env.PATH, LC_ALL: 'C.UTF-8' } });
      expect({ status: grep.status, stdout: grep.stdout.toString(), stderr: grep.stderr.toString() }).toEqual({ status: 0, stdout: 'counters:\n', stderr: '' });
    }
  });

  it('SIGTERM stops every process with exit 0, and every line each process wrote is one JSON object', async () => {
    const c = theCluster();
    const d = demo as ClusterProcess;
    d.signal('SIGTERM');
    expect(await d.exited()).toBe(0);
    const copier = processNamed('copier-logs');
    const stopOrder = [copier, processNamed('e2e-gw-0'), processNamed('pacer-broker'), processNamed('pacer-controller')];
    for (const p of stopOrder) {
      p.signal('SIGTERM');
      expect({ name: p.name, code: await p.exited() }).toEqual({ name: p.name, code: 0 });
    }
    const gw = single as GatewayProcess;
    await gw.close();
    expect(await gw.exited()).toBe(0);
    expect(linesWithMsg(processNamed('pacer-broker'), 'pacer-broker stopped')).toHaveLength(1);
    expect(linesWithMsg(processNamed('pacer-controller'), 'pacer-controller stopped')).toHaveLength(1);
    expect(linesWithMsg(copier, 'pinlater-copier stopped')).toHaveLength(1);
    expect(linesWithMsg(processNamed('pacer-controller'), 'controller leadership changed').map((l) => [l.leader, l.reason])).toEqual([[true, 'won the election'], [false, 'stopping']]);

    const outputs = [
      ...[...c.processes, d].flatMap((p) => [{ source: `${p.name} stdout`, text: p.streams.stdout }, { source: `${p.name} stderr`, text: p.streams.stderr }]),
      { source: 'single-backend gateway stdout+stderr', text: gw.output() },
    ];
    const plain = outputs.flatMap(({ source, text }) => notJsonLines(text).map((line) => `${source}: ${line}`));
    expect(plain).toEqual([]);
    // Every process wrote: the check above covered real output.
    for (const { source, text } of outputs.filter((o) => o.source.endsWith('stdout') || o.source.includes('stdout+stderr'))) {
      expect({ source, lines: jsonLines(text).length > 0 }).toEqual({ source, lines: true });
    }
  });

  it('a process that cannot start says why in one JSON line on stderr (fatal), nothing else', async () => {
    const cases: Array<{ entry: string; args: string[]; code: number; says: string }> = [
      { entry: 'pacer/src/broker/main.ts', args: ['--broker-id', 'b', '--port', 'not-a-port', '--database', 'x'], code: 1, says: 'PACER_BROKER_PORT' },
      { entry: 'pacer/src/controller/main.ts', args: ['--status-port', 'not-a-port'], code: 1, says: '--status-port must be a port number' },
      { entry: 'migration/src/copier/main.ts', args: [], code: 1, says: 'PINLATER_ROUTING_CONFIG' },
      { entry: 'gateway/src/main.ts', args: ['--properties', 'config/redis.local.properties', '--backend-config', 'config/redis.local.properties'], code: 2, says: 'backend config is not valid JSON' },
      { entry: 'scripts/demo/main.ts', args: ['--role', 'producer', '--port', '1', '--queues', 'q', '--rate', '-1'], code: 1, says: 'pinlater-demo' },
    ];
    const { PATH, HOME } = process.env;
    const runs = await Promise.all(cases.map((k) => run(k.entry, k.args, { ...(PATH === undefined ? {} : { PATH }), ...(HOME === undefined ? {} : { HOME }) })));
    cases.forEach((k, i) => {
      const r = runs[i] as RunResult;
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      expect({ entry: k.entry, code: r.code, stdout: r.stdout, plain: notJsonLines(r.stderr), lines: lines.length }).toEqual({ entry: k.entry, code: k.code, stdout: '', plain: [], lines: 1 });
      const [line] = jsonLines(r.stderr);
      expect(line).toMatchObject({ level: 60 });
      expect(line?.msg).toContain(k.says);
    });
  });
});

/** Control characters in `text` other than the newline (as code points): none belong in a text file. */
function controlCharacters(text: string): number[] {
  return [...text].map((ch) => ch.codePointAt(0) ?? 0).filter((c) => (c < 0x20 && c !== 0x0a) || c === 0x7f);
}

/** The non-empty lines of `text` that are not one JSON object in pino's shape (level, time, msg). */
function notJsonLines(text: string): string[] {
  return text.split('\n').filter((line) => {
    if (line === '') return false;
    try {
      const parsed = JSON.parse(line) as Partial<LogLine> | null;
      return typeof parsed?.level !== 'number' || typeof parsed.time !== 'number' || typeof parsed.msg !== 'string';
    } catch {
      return true;
    }
  });
}

interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(entry: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
