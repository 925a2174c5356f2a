/**
 * One PinLater gateway (`gateway/src/main.ts`) as a child process of a benchmark, started from a
 * given source tree (the main one or a baseline worktree) on a given legacy namespace, with the
 * properties bench/legacy-redis-gateway.ts uses. Its config files live in a temp dir; the process
 * and the dir are registered with the benchmark's `Teardown`, so a Ctrl-C stops them too.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConformanceClient } from '../../test/conformance/harness/conformance-client';
import { freePort } from '../../test/support/free-port';
import { startTsProcess, stopProcess, waitForPort } from './child-process';
import type { LegacyNamespace } from './legacy-namespace';
import type { Teardown } from './teardown';

export interface GatewayChild {
  port: number;
  /** The gateway process itself (node runs the entry with `--import tsx`, no wrapper process). */
  pid: number;
  stop(): Promise<void>;
}

/** A gateway under tsx takes a few seconds to start on a busy machine. */
const START_TIMEOUT_MS = 60_000;

/**
 * bench/legacy-redis-gateway.ts's properties plus the backend's own. The backend monitor is off:
 * its periodic GC pass is not on the request path and would only add noise to one side.
 */
export function gatewayProperties(ns: LegacyNamespace, port: number, adminPort: number): string {
  return [
    ...ns.properties,
    `THRIFT_PORT=${port}`,
    `OSTRICH_PORT=${adminPort}`,
    'MAX_CONCURRENT_REQUESTS=5000',
    'SERVER_CONN_MAX_IDLE_TIME_MINUTES=5',
    'NUM_PRIORITY_LEVELS=3',
    'BACKEND_QUERY_PARALLELISM=5',
    'BACKEND_NUM_AUTO_RETRIES=2',
    'BACKEND_CONNECTIONS_PER_SHARD=10',
    'BACKEND_DEQUEUE_CONCURRENCY_PER_QUEUE_PER_SHARD=10',
    'BACKEND_SOCKET_TIMEOUT_SECONDS=5',
    'BACKEND_CONNECTION_MAX_WAIT_MILLIS=5000',
    'BACKEND_MONITOR_JOB_CLAIMED_TIMEOUT_SECONDS=180',
    'BACKEND_MONITOR_JOB_SUCCEEDED_GC_TTL_HOURS=1',
    'BACKEND_MONITOR_JOB_FAILED_GC_TTL_HOURS=2',
    'BACKEND_MONITOR_THREAD_DELAY_SECONDS=120',
    'BACKEND_MONITOR_UPDATE_MAX_SIZE=1000',
    'GATEWAY_MONITOR_ENABLED=false',
    'SERVER_SET_ENABLED=false',
  ].join('\n');
}

/** Waits for the port; fails at once, with the exit code, if the gateway exits first. */
export async function listening(child: ChildProcess, port: number): Promise<void> {
  let onExit: (code: number | null, signal: NodeJS.Signals | null) => void = () => undefined;
  const exited = new Promise<never>((_resolve, reject) => {
    onExit = (code, signal) => reject(new Error(`gateway exited (code ${code}, signal ${signal}) before listening on ${port}`));
    child.once('exit', onExit);
  });
  try {
    await Promise.race([waitForPort(port, START_TIMEOUT_MS), exited]);
  } finally {
    child.off('exit', onExit);
  }
}

/** What `launchGateway` writes and runs: files of its config dir, and the gateway's arguments. */
export interface GatewayLaunch {
  readonly treeDir: string;
  readonly name: string;
  /** Temp dir name prefix. */
  readonly dirPrefix: string;
  /** File name → content, written into the config dir. */
  readonly files: Readonly<Record<string, string>>;
  /** The gateway's arguments, given the config dir. */
  readonly args: (dir: string) => string[];
  readonly port: number;
  readonly nodeArgs?: readonly string[];
  /** The gateway's environment (default: this process's), e.g. its telemetry variables. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Writes the config files into a temp dir, starts `gateway/src/main.ts` of `treeDir` with them and
 * waits until it listens on `port`; the process and the dir are registered with `teardown`, and
 * `stop()` ends the one and deletes the other (also when the start fails).
 */
export async function launchGateway(launch: GatewayLaunch, teardown: Teardown): Promise<Omit<GatewayChild, 'port'>> {
  const dir = mkdtempSync(join(tmpdir(), launch.dirPrefix));
  const removeDir = teardown.track(() => rmSync(dir, { recursive: true, force: true }));
  for (const [file, content] of Object.entries(launch.files)) writeFileSync(join(dir, file), content);
  const child = startTsProcess('gateway/src/main.ts', launch.args(dir), launch.name, launch.nodeArgs ?? [], launch.treeDir, launch.env);
  const stopChild = teardown.track(() => stopProcess(child));
  const stop = async (): Promise<void> => {
    await stopChild();
    await removeDir();
  };
  try {
    await listening(child, launch.port);
  } catch (e) {
    await stop();
    throw e;
  }
  return { pid: child.pid ?? Number.NaN, stop };
}

/**
 * Starts the gateway of `treeDir` on `ns`; `stop()` ends it and deletes its config dir. `nodeArgs`
 * go to node itself (e.g. `--cpu-prof --cpu-prof-dir=<dir>`).
 */
export async function startGatewayChild(treeDir: string, name: string, ns: LegacyNamespace, teardown: Teardown, nodeArgs: readonly string[] = []): Promise<GatewayChild> {
  const [port, adminPort] = [await freePort(), await freePort()];
  const files = { 'backend.json': JSON.stringify(ns.backendJson), 'server.properties': gatewayProperties(ns, port, adminPort) };
  const args = (dir: string): string[] => ['--properties', join(dir, 'server.properties'), '--backend-config', join(dir, 'backend.json')];
  return { port, ...(await launchGateway({ treeDir, name, dirPrefix: 'bench-gateway-', files, args, port, nodeArgs }, teardown)) };
}

/** Creates `queue` through the gateway on `host:port` (one short-lived admin connection). */
export async function createQueueThrough(host: string, port: number, queue: string): Promise<void> {
  const admin = await ConformanceClient.connect({ host, port }, 'bench:admin');
  try {
    await admin.createQueue(queue);
  } finally {
    await admin.close();
  }
}
