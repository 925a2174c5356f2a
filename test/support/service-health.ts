/**
 * Health probes for the three services the tests use, and a bounded wait for all of them.
 * Probes never start anything: `bash scripts/services.sh start` does that.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { createConnection, type Socket } from 'node:net';
import mysql from 'mysql2/promise';
import { testEnv, type MysqlEndpoint } from './test-env';

export type ServiceName = 'redis' | 'mariadb' | 'zookeeper';

export interface ProbeResult {
  readonly service: ServiceName;
  readonly address: string;
  readonly healthy: boolean;
  /** Why it is unhealthy (empty when healthy). */
  readonly detail: string;
}

const PROBE_TIMEOUT_MS = 2000;

/**
 * Sends `payload` to host:port and resolves with what the server answered until it closed the
 * connection or `expected` appeared; rejects on connection errors and after PROBE_TIMEOUT_MS.
 */
export function tcpExchange(host: string, port: number, payload: string, expected: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket: Socket = createConnection({ host, port });
    const finish = (error?: Error): void => {
      socket.destroy();
      if (error) reject(error);
      else resolve(answer);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => finish(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)));
    socket.on('connect', () => socket.write(payload));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('utf8');
      if (answer.includes(expected)) finish();
    });
    socket.on('end', () => finish());
    socket.on('error', (error) => finish(error));
  });
}

async function probeByExchange(
  service: ServiceName, host: string, port: number, payload: string, expected: string,
): Promise<ProbeResult> {
  const address = `${host}:${port}`;
  try {
    const answer = await tcpExchange(host, port, payload, expected);
    const healthy = answer.includes(expected);
    return { service, address, healthy, detail: healthy ? '' : `answered ${JSON.stringify(answer)}` };
  } catch (error) {
    return { service, address, healthy: false, detail: describeError(error) };
  }
}

export function probeRedis(host = testEnv().redis.host, port = testEnv().redis.port): Promise<ProbeResult> {
  return probeByExchange('redis', host, port, 'PING\r\n', '+PONG');
}

export function probeZookeeper(host = testEnv().zookeeper.host, port = testEnv().zookeeper.port): Promise<ProbeResult> {
  return probeByExchange('zookeeper', host, port, 'ruok', 'imok');
}

export async function probeMariadb(endpoint: MysqlEndpoint = testEnv().mysql): Promise<ProbeResult> {
  const address = `${endpoint.host}:${endpoint.port}`;
  try {
    const connection = await mysql.createConnection({ ...endpoint, connectTimeout: PROBE_TIMEOUT_MS });
    try {
      await connection.query('SELECT 1');
    } finally {
      await connection.end();
    }
    return { service: 'mariadb', address, healthy: true, detail: '' };
  } catch (error) {
    return { service: 'mariadb', address, healthy: false, detail: describeError(error) };
  }
}

export function probeAll(): Promise<ProbeResult[]> {
  return Promise.all([probeRedis(), probeMariadb(), probeZookeeper()]);
}

export interface WaitForServicesOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  readonly probes?: () => Promise<ProbeResult[]>;
}

/** Resolves once every probe is healthy; rejects with a message naming the unhealthy ones. */
export async function waitForServices(options: WaitForServicesOptions = {}): Promise<void> {
  const { timeoutMs = 30_000, intervalMs = 250, probes = probeAll } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const unhealthy = (await probes()).filter((result) => !result.healthy);
    if (unhealthy.length === 0) return;
    if (Date.now() >= deadline) throw new Error(unhealthyMessage(unhealthy, timeoutMs));
    await delay(intervalMs);
  }
}

function unhealthyMessage(unhealthy: ProbeResult[], timeoutMs: number): string {
  const lines = unhealthy.map((r) => `  - ${r.service} at ${r.address}: ${r.detail}`);
  return [
    `Test services not healthy after ${timeoutMs} ms:`,
    ...lines,
    'Start them with: bash scripts/services.sh start && bash scripts/services.sh wait',
  ].join('\n');
}

/** `CODE message`; duck-typed because Node's own errors are not `instanceof Error` under jest. */
function describeError(error: unknown): string {
  if (typeof error !== 'object' || error === null || !('message' in error)) return String(error);
  const { code, message } = error as { code?: unknown; message: unknown };
  const text = String(message);
  return typeof code === 'string' && !text.includes(code) ? `${code} ${text}` : text;
}
