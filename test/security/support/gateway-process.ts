/**
 * The real gateway as its own process (`node --import tsx gateway/src/main.ts`, one process so
 * signals and memory readings are its own) in front of a fresh namespace on the real services:
 *
 *   const gw = await startGatewayProcess({ backend: 'legacy-redis' });
 *   const client = await ConformanceClient.connect(gw.address);
 *   ...
 *   await gw.close();   // SIGTERM, wait for exit, remove the namespace (Redis keys / databases;
 *                       // kept and named when the test or suite failed: test/support/namespace-keeper.ts)
 *
 * Properties start from PinLater's shipped values (config/<kind>.local.properties without the
 * rate-limit files) and take `properties` overrides, so a test sets exactly the knob it probes.
 * The process's output (pino JSON lines) is kept for assertions and for failure messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeShippedProperties } from '../../support/shipped-properties';
import type { ServerAddress } from '../../conformance/harness/conformance-client';
import { freePort } from '../../support/free-port';
import { releaseNamespace, type TestNamespace } from '../../support/namespace-keeper';
import { mysqlDatabasesNamespace, redisKeysNamespace, uniqueMysqlInstanceId, uniqueShardBase } from '../../support/namespaces';
import { testEnv } from '../../support/test-env';

const ROOT = join(__dirname, '..', '..', '..');
const START_TIMEOUT_MS = 30_000;
const EXIT_TIMEOUT_MS = 15_000;

/** The deleteQueue password of every security-test gateway (hash in config/*.local.properties). */
export const ADMIN_PASSWORD = 'secret';

export type LegacyKind = 'legacy-redis' | 'legacy-mysql';

export interface GatewayProcessOptions {
  backend: LegacyKind;
  /** PinLater properties overriding the shipped local values (THRIFT_PORT/OSTRICH_PORT are chosen here). */
  properties?: Record<string, string>;
  /** Extra arguments for node itself, e.g. ['--max-old-space-size=256']. */
  nodeArgs?: string[];
  /** MySQL account for the legacy MySQL backend JSON; default root (test-env). */
  mysqlUser?: { user: string; password: string };
  logLevel?: string;
}

export interface GatewayProcess {
  readonly address: ServerAddress;
  readonly adminPort: number;
  readonly pid: number;
  /** Legacy shard names of this namespace (Redis shard names, or MySQL logical shard names). */
  readonly shards: readonly string[];
  /** MySQL instance id of the namespace (legacy-mysql only). */
  readonly mysqlInstanceId?: number;
  /** Everything the process wrote so far (stdout + stderr). */
  output(): string;
  /** Pino lines whose `msg` equals `msg`. */
  logLines(msg: string): Array<Record<string, unknown>>;
  running(): boolean;
  /** Resident set size of the process, from /proc (bytes). */
  rssBytes(): number;
  /** GET on the admin port; resolves with status and body. */
  admin(path: string): Promise<{ status: number; body: string }>;
  /** `/stats.txt` parsed into name → value (counters and gauges; metrics as their count). */
  stats(): Promise<Map<string, number>>;
  /** Resolves with the exit code (null when killed by a signal). */
  exited(): Promise<number | null>;
  /** SIGTERM, wait for exit (SIGKILL after a timeout), remove the namespace. Idempotent. */
  close(): Promise<void>;
}

export async function startGatewayProcess(options: GatewayProcessOptions): Promise<GatewayProcess> {
  const ns = options.backend === 'legacy-redis' ? redisNamespace() : mysqlNamespace(options.mysqlUser);
  const dir = mkdtempSync(join(tmpdir(), 'gw-sec-'));
  const [thriftPort, adminPort] = [await freePort(), await freePort()];
  const propsPath = join(dir, 'gateway.properties');
  const overrides = { SERVER_SET_ENABLED: 'false', GATEWAY_HOST: '127.0.0.1', THRIFT_PORT: String(thriftPort), OSTRICH_PORT: String(adminPort), ...ns.properties, ...options.properties };
  writeShippedProperties(propsPath, ns.propertiesFile, overrides, ['QUEUE_CONFIG_FILE_PATH']);
  const jsonPath = join(dir, 'backend.json');
  writeFileSync(jsonPath, JSON.stringify(ns.backendJson));
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--import', 'tsx', 'gateway/src/main.ts', '--properties', propsPath, '--backend-config', jsonPath,
      '--log-level', options.logLevel ?? 'info'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const proc = new RunningGateway(child, { host: '127.0.0.1', port: thriftPort }, adminPort, ns, dir);
  try {
    await proc.waitFor('gateway listening');
  } catch (e) {
    await proc.close();
    throw e;
  }
  return proc;
}

interface Namespace {
  propertiesFile: string;
  properties: Record<string, string>;
  backendJson: unknown;
  shards: string[];
  mysqlInstanceId?: number;
  /** Its keys or databases, removed through `releaseNamespace` when the gateway closes. */
  storage: TestNamespace;
}

function redisNamespace(): Namespace {
  const base = uniqueShardBase();
  const shards = [`${base}a`, `${base}b`];
  const { host, port } = testEnv().redis;
  return {
    propertiesFile: 'redis.local.properties',
    properties: {},
    backendJson: { shards: shards.map((name) => ({ name, shardConfig: { master: { host, port }, dequeueOnly: false } })) },
    shards,
    storage: redisKeysNamespace(shards.flatMap((s) => [`pln_${s}`, `plj_${s}_*`, `plq_${s}_*`, `plh_${s}_*`])),
  };
}

function mysqlNamespace(account?: { user: string; password: string }): Namespace {
  const id = uniqueMysqlInstanceId();
  const { host, port, user, password } = testEnv().mysql;
  const dbPerQueue = 2;
  return {
    propertiesFile: 'mysql.local.properties',
    properties: { MYSQL_NUM_DB_PER_QUEUE: String(dbPerQueue) },
    backendJson: {
      [`pinlaterlocaldb${id}`]: { master: { host, port }, user: account?.user ?? user, passwd: account?.password ?? password, dequeueOnly: false },
    },
    shards: Array.from({ length: dbPerQueue }, (_, d) => (d === 0 ? String(id) : `${id}d${d}`)),
    mysqlInstanceId: id,
    storage: mysqlDatabasesNamespace([`plq_${id}`]),
  };
}

class RunningGateway implements GatewayProcess {
  private out = '';
  private readonly exit: Promise<number | null>;
  private closing: Promise<void> | undefined;
  readonly shards: readonly string[];
  readonly mysqlInstanceId?: number;

  constructor(
    private readonly child: ChildProcess,
    readonly address: ServerAddress,
    readonly adminPort: number,
    private readonly ns: Namespace,
    private readonly dir: string,
  ) {
    this.shards = ns.shards;
    if (ns.mysqlInstanceId !== undefined) this.mysqlInstanceId = ns.mysqlInstanceId;
    child.stdout?.on('data', (d: Buffer) => (this.out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.out += d.toString()));
    this.exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  output(): string {
    return this.out;
  }

  running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  logLines(msg: string): Array<Record<string, unknown>> {
    const lines: Array<Record<string, unknown>> = [];
    for (const line of this.out.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (parsed.msg === msg) lines.push(parsed);
      } catch {
        // not a log line
      }
    }
    return lines;
  }

  rssBytes(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    if (kb === undefined) throw new Error(`no VmRSS for pid ${this.pid}`);
    return Number(kb) * 1024;
  }

  async admin(path: string): Promise<{ status: number; body: string }> {
    const res = await fetch(`http://127.0.0.1:${this.adminPort}${path}`, { signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: await res.text() };
  }

  async stats(): Promise<Map<string, number>> {
    const { body } = await this.admin('/stats.txt');
    const values = new Map<string, number>();
    for (const line of body.split('\n')) {
      const plain = /^ {2}(\S+): (-?[\d.]+)$/.exec(line);
      if (plain) values.set(plain[1] as string, Number(plain[2]));
      const metric = /^ {2}(\S+): \(average=-?[\d.]+, count=(\d+),/.exec(line);
      if (metric) values.set(metric[1] as string, Number(metric[2]));
    }
    return values;
  }

  exited(): Promise<number | null> {
    return this.exit;
  }

  waitFor(text: string, timeoutMs = START_TIMEOUT_MS): Promise<void> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        if (this.out.includes(text)) finish();
        else if (!this.running()) finish(new Error(`gateway exited before '${text}':\n${this.out.slice(-3000)}`));
        else if (Date.now() - started > timeoutMs) finish(new Error(`gateway: no '${text}' within ${timeoutMs} ms:\n${this.out.slice(-3000)}`));
      }, 20);
      const finish = (e?: Error): void => {
        clearInterval(poll);
        if (e) reject(e);
        else resolve();
      };
    });
  }

  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    try {
      if (this.running()) {
        this.child.kill('SIGTERM');
        const timer = setTimeout(() => this.child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
        await this.exit;
        clearTimeout(timer);
      }
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
      await releaseNamespace(this.ns.storage);
    }
  }
}
