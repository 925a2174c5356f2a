/**
 * The migration copier process (`migration/src/copier/main.ts`, what `pinlater-copier` runs) as a
 * child process of a benchmark: one legacy cluster (a benchmark namespace, with the properties a
 * gateway child gets), Pacer in embedded mode on a given database, the routing table at a given
 * ZooKeeper chroot, the operator credential in its environment (never a flag). Config files in a
 * temp dir; the process and the dir are registered with the benchmark's `Teardown`, and `stop()`
 * sends SIGTERM (the copier finishes its batch and releases its leases) and deletes the dir.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../test/support/free-port';
import { stopProcess } from './child-process';
import { gatewayProperties } from './gateway-child';
import type { LegacyNamespace } from './legacy-namespace';
import type { Teardown } from './teardown';

export interface CopierChildOptions {
  readonly treeDir: string;
  readonly name: string;
  /** `--id`: the lease owner. */
  readonly copierId: string;
  readonly backend: 'legacy-redis' | 'legacy-mysql';
  /** The legacy cluster's name (migrations name it). */
  readonly cluster: string;
  /** ZooKeeper connect string, chroot included. */
  readonly zookeeper: string;
  /** Pacer's database (embedded topology: the copier process runs its own broker). */
  readonly pacerMysql: { host: string; port: number; user: string; password: string; database: string };
  /** `user:password` of the routing operator (PINLATER_ROUTING_CREDENTIAL). */
  readonly credential: string;
  readonly batchSize: number;
  /** Go to node itself, before the entry (e.g. `--cpu-prof --cpu-prof-dir=<dir>`). */
  readonly nodeArgs?: readonly string[];
}

export interface CopierChild {
  readonly pid: number;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;

/** Starts the copier; resolves once it printed `pinlater-copier <id> started`. */
export async function startCopierChild(options: CopierChildOptions, ns: LegacyNamespace, teardown: Teardown): Promise<CopierChild> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-copier-'));
  const removeDir = teardown.track(() => rmSync(dir, { recursive: true, force: true }));
  const routing = {
    legacyClusters: [{ name: options.cluster, backend: options.backend, backendConfig: 'backend.json', properties: 'cluster.properties' }],
    pacer: { backendConfig: 'pacer.json' },
    routing: { zookeeper: options.zookeeper, defaultDestination: options.cluster },
  };
  const files: Record<string, string> = {
    'backend.json': JSON.stringify(ns.backendJson),
    'cluster.properties': gatewayProperties(ns, await freePort(), await freePort()),
    'pacer.json': JSON.stringify({ mode: 'embedded', mysql: { ...options.pacerMysql, connectionLimit: 10 } }),
    'routing.json': JSON.stringify(routing),
  };
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
  const args = [...(options.nodeArgs ?? []), '--import', 'tsx', 'migration/src/copier/main.ts', '--config', join(dir, 'routing.json'), '--id', options.copierId, '--batch-size', String(options.batchSize), '--log-level', 'warn'];
  const child = spawn(process.execPath, args, { cwd: options.treeDir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PINLATER_ROUTING_CREDENTIAL: options.credential } });
  child.stderr.on('data', (d: Buffer) => process.stderr.write(`[${options.name}] ${d.toString()}`));
  const stopChild = teardown.track(() => stopProcess(child));
  const stop = async (): Promise<void> => {
    await stopChild();
    await removeDir();
  };
  try {
    await started(child, `pinlater-copier ${options.copierId} started`);
  } catch (e) {
    await stop();
    throw e;
  }
  return { pid: child.pid ?? Number.NaN, stop };
}

function started(child: ReturnType<typeof spawn>, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => finish(new Error(`copier did not print "${line}" within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (out.includes(line)) finish();
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => finish(new Error(`copier exited (code ${code}, signal ${signal}) before starting`));
    function finish(error?: Error): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      child.stdout?.resume(); // keep draining its stdout
      if (error === undefined) resolve();
      else reject(error);
    }
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}
