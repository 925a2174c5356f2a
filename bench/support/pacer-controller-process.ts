/**
 * A Helix controller in a process of its own, for benchmarks: a `HelixController` over a
 * `ZkSessionManager` whose sessions are `NodeZkClient`s (their ZooKeeper operations are counted).
 * Prints `controller <name> leader` once it leads. Each line `stats` on stdin is answered with one
 * JSON line on stdout: `{reads, writes, cpuUserMs, cpuSystemMs, pipelineRuns, rebalances,
 * messagesSent, ...}` (ZooKeeper ops of every session it opened, summed; process.cpuUsage(); the
 * controller's own counters, whatever they hold). Exits on SIGTERM (gracefully) or when stdin
 * closes (its parent is gone).
 *
 *   npx tsx bench/support/pacer-controller-process.ts <zkConnect> <cluster> <name> <sessionTimeoutMs> [<debugLogFile>]
 *
 * With <debugLogFile>, the controller logs at debug level into that file (appended): one line per
 * pipeline run (`controller pipeline run`, with `phasesMs`), every assignment change.
 */
import { createInterface } from 'node:readline';
import pino from 'pino';
import { systemClock } from '../../core/src/util/clock';
import { NodeZkClient } from '../../core/src/zookeeper/node-zk-client';
import type { ZkClient } from '../../core/src/zookeeper/zk-client';
import { ZkSessionManager } from '../../core/src/zookeeper/zk-session-manager';
import { HelixController } from '../../pacer/src/coordination/controller';

const LEADER_POLL_MS = 20;

/** Every client the manager opened (new sessions and re-attachments), for the op counters. */
const clients: ZkClient[] = [];

function tracked(connect: () => Promise<NodeZkClient>): Promise<NodeZkClient> {
  return connect().then((c) => {
    clients.push(c);
    return c;
  });
}

function sessionManager(connectString: string, sessionTimeoutMs: number, name: string): ZkSessionManager {
  return new ZkSessionManager({
    name,
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    connect: () => tracked(() => NodeZkClient.connect({ connectString, sessionTimeoutMs })),
    reattach: (s) => tracked(() => NodeZkClient.connect({
      connectString, sessionTimeoutMs, sessionId: Buffer.from(s.sessionId, 'hex'), sessionPassword: s.password, connectTimeoutMs: Math.min(2000, sessionTimeoutMs),
    })),
  });
}

function statsLine(controller: HelixController): string {
  const ops = clients.reduce((sum, c) => ({ reads: sum.reads + c.counters().reads, writes: sum.writes + c.counters().writes }), { reads: 0, writes: 0 });
  const cpu = process.cpuUsage();
  return JSON.stringify({ ...ops, cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000, ...controller.counters() });
}

function announceLeadership(controller: HelixController, name: string): void {
  const timer = setInterval(() => {
    if (!controller.isLeader()) return;
    clearInterval(timer);
    process.stdout.write(`controller ${name} leader\n`);
  }, LEADER_POLL_MS);
}

async function main(): Promise<void> {
  const [connectString = '', cluster = 'pacer', name = 'controller', timeout = '10000', logFile] = process.argv.slice(2);
  const logger = logFile !== undefined ? pino({ level: 'debug' }, pino.destination({ dest: logFile, append: true, sync: false })) : pino({ level: 'silent' });
  const sessions = sessionManager(connectString, Number(timeout), name);
  await sessions.start();
  const controller = new HelixController({ cluster, name, sessions, clock: systemClock, logger });
  await controller.start();
  announceLeadership(controller, name);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    controller.close().then(() => sessions.close()).then(() => process.exit(0), (e: unknown) => {
      process.stderr.write(`controller close failed: ${String(e)}\n`);
      process.exit(1);
    });
  };
  process.on('SIGTERM', stop);
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() === 'stats') process.stdout.write(`${statsLine(controller)}\n`);
  });
  lines.on('close', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`controller failed: ${String(e)}\n`);
  process.exit(1);
});
