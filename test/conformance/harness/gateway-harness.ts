/**
 * Starts the real gateway in-process (`gateway/src/gateway-process.ts` `startGateway`, the same
 * composition `gateway/src/main.ts` uses) on 127.0.0.1 and an ephemeral port, in front of one
 * backend, with PinLater's server defaults (FACTS §12) and, when a block asks for it, a PinLater
 * queue config JSON for dequeue rate limits (FACTS §3.7).
 */
import { createHash } from 'node:crypto';
import type { PinLaterBackend } from '../../../core/src/interfaces/pinlater-backend';
import { MemoryStats } from '../../../core/src/interfaces/stats';
import { createLogger } from '../../../core/src/logging/logger';
import { systemClock } from '../../../core/src/util/clock';
import { startGateway } from '../../../gateway/src/gateway-process';
import { parseQueueConfig } from '../../../gateway/src/rate-limit/queue-config-schema';
import { QueueRateLimits } from '../../../gateway/src/rate-limit/queue-rate-limits';
import { testLogLevel } from '../../support/test-env';
import type { ServerAddress } from './conformance-client';

/** The deleteQueue password every conformance gateway accepts unless a block overrides the hash. */
export const CONFORMANCE_ADMIN_PASSWORD = 'conformance-secret';

const HOST = '127.0.0.1';

/** PinLater's salted hash (FACTS §3.4), computed independently of the gateway's implementation. */
export function pinlaterPasswordHash(password: string | null): string {
  return createHash('sha256').update(`${password ?? 'null'}VHzMjY2Kb9BYlyrbtpyFvnHVPZAvB5Rm`, 'utf8').digest('hex');
}

/** PinLater's queue config file content: `{"queues":[{"name":…,"queueConfig":{"maxJobsPerSecond":…}}]}`. */
export interface QueueConfigJson {
  queues: { name: string; queueConfig: { maxJobsPerSecond: number } }[];
}

export interface GatewayOverrides {
  /** ADMIN_PASSWORD_HASH; default: the hash of CONFORMANCE_ADMIN_PASSWORD. */
  readonly adminPasswordHash?: string;
  /** Dequeue rate limits; default none. */
  readonly queueConfig?: QueueConfigJson;
}

export interface ConformanceGateway {
  readonly address: ServerAddress;
  close(): Promise<void>;
}

export async function startConformanceGateway(backend: PinLaterBackend, overrides: GatewayOverrides): Promise<ConformanceGateway> {
  const limits = new QueueRateLimits(systemClock);
  if (overrides.queueConfig) limits.setQueueConfig(parseQueueConfig(JSON.stringify(overrides.queueConfig)));
  const gateway = await startGateway(
    {
      host: HOST,
      thriftPort: 0,
      maxFrameBytes: 64 * 1024 * 1024,
      idleTimeoutMs: 5 * 60_000,
      maxConcurrentRequests: 5000,
      shutdownGraceMs: 2000,
      dequeueConcurrencyPerQueuePerShard: 10,
      adminPasswordHash: overrides.adminPasswordHash ?? pinlaterPasswordHash(CONFORMANCE_ADMIN_PASSWORD),
    },
    {
      backend,
      rateLimiter: limits,
      stats: new MemoryStats(),
      clock: systemClock,
      logger: createLogger({ name: 'conformance-gateway', level: testLogLevel() }),
    },
  );
  return { address: { host: HOST, port: gateway.thriftPort }, close: () => gateway.close() };
}
