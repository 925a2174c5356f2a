import { hostname } from 'node:os';
import type { PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import type { MemoryStats } from '../../core/src/interfaces/stats';
import type { Logger } from '../../core/src/logging/logger';
import type { Clock } from '../../core/src/util/clock';
import { AdminHttpServer } from './admin/admin-http-server';
import { PINLATER_IDL, SERVICE_NAME } from './generated/pinlater-idl';
import { createDispatcher } from './handlers/handler-table';
import type { DequeueRateLimiter } from './service/pinlater-service-impl';
import { PinLaterServiceImpl } from './service/pinlater-service-impl';
import { RpcProcessor } from './server/rpc-processor';
import type { RpcDispatcher } from './server/rpc-processor';
import { StructCodec } from './server/struct-codec';
import { ThriftServer } from './server/thrift-server';
import { renderStatsText } from './stats/stats-text';

export interface GatewaySettings {
  host: string;
  thriftPort: number;
  /** undefined: no admin HTTP server (tests). */
  adminPort?: number;
  maxFrameBytes: number;
  idleTimeoutMs: number;
  maxConcurrentRequests: number;
  shutdownGraceMs: number;
  dequeueConcurrencyPerQueuePerShard: number;
  adminPasswordHash: string | undefined;
  /** Defaults to the OS hostname (PinLater: InetAddress.getLocalHost().getHostName()). */
  hostname?: string;
}

export interface GatewayDeps {
  backend: PinLaterBackend;
  rateLimiter: DequeueRateLimiter;
  stats: MemoryStats;
  clock: Clock;
  logger: Logger;
}

export interface RunningGateway {
  readonly thriftPort: number;
  readonly adminPort: number | undefined;
  readonly server: ThriftServer;
  /** Graceful: stop accepting, let in-flight requests finish (bounded), close the admin port. */
  close(): Promise<void>;
}

/**
 * Composition of the gateway around an already-built backend: service → handlers → Thrift codec
 * → framed TCP server, plus the admin HTTP port. The backend's lifetime belongs to the caller.
 */
export async function startGateway(settings: GatewaySettings, deps: GatewayDeps): Promise<RunningGateway> {
  const health = await deps.backend.health();
  const shards = Math.max(1, health.shards.length);
  const codec = new StructCodec(PINLATER_IDL);
  const methods = PINLATER_IDL.services[SERVICE_NAME] ?? [];
  let dispatcher: RpcDispatcher | undefined;
  const processor = new RpcProcessor({
    codec,
    methods,
    // The claim descriptor needs the bound port, so the service is built right after listen().
    dispatcher: { invoke: (m, a) => requireStarted(dispatcher).invoke(m, a) },
    logger: deps.logger,
  });
  const server = new ThriftServer(processor, { ...settings, port: settings.thriftPort }, deps.logger);
  const address = await server.listen();
  const service = new PinLaterServiceImpl(deps, {
    adminPasswordHash: settings.adminPasswordHash,
    dequeuePermitsPerQueue: settings.dequeueConcurrencyPerQueuePerShard * shards,
    maxConcurrentRequests: settings.maxConcurrentRequests,
    hostname: settings.hostname ?? hostname(),
    thriftPort: address.port,
    serverStartMillis: deps.clock.nowMs(),
  });
  dispatcher = createDispatcher(service);
  let admin: { server: AdminHttpServer; port: number } | undefined;
  try {
    admin = settings.adminPort === undefined ? undefined : await startAdmin(settings, deps, server);
  } catch (e) {
    await server.close(0);
    throw e;
  }
  deps.logger.info({ port: address.port, adminPort: admin?.port, backend: deps.backend.kind }, 'gateway listening');
  return {
    thriftPort: address.port,
    adminPort: admin?.port,
    server,
    close: async () => {
      await server.close(settings.shutdownGraceMs);
      await admin?.server.close();
    },
  };
}

function requireStarted(dispatcher: RpcDispatcher | undefined): RpcDispatcher {
  if (!dispatcher) throw new Error('gateway not started yet');
  return dispatcher;
}

async function startAdmin(settings: GatewaySettings, deps: GatewayDeps, server: ThriftServer): Promise<{ server: AdminHttpServer; port: number }> {
  const admin = new AdminHttpServer(
    {
      health: async () => {
        const h = await deps.backend.health();
        return { healthy: h.healthy, body: h };
      },
      statsText: () =>
        renderStatsText(deps.stats, {
          'PinLaterService/connections': server.connectionCount,
          'PinLaterService/request_concurrency': server.requestConcurrency.running,
          'PinLaterService/request_queue_size': server.requestConcurrency.waiting,
        }),
    },
    deps.logger,
  );
  const address = await admin.listen(settings.adminPort ?? 9999, settings.host);
  return { server: admin, port: address.port };
}
