/**
 * A worker process's small status port (optional; 127.0.0.1 by default): `GET /health` answers the
 * JSON its owner builds (counters, state) plus `ready` (and `reason` when not ready): 200 while the
 * worker is ready to take jobs, 503 while it is not (`Worker.readiness()`, worker-readiness.ts:
 * before its first answer from the gateway, while the gateway is unreachable, once it is
 * stopping). `GET /live` answers `OK` while the process (its event loop) runs, stopping included;
 * `GET /metrics` serves the process's Prometheus metrics when telemetry is on
 * (core/src/telemetry/process-telemetry.ts `metricsHandler`); anything else is 404.
 *
 * The pool manager probes these paths (`WORKER_STATUS_PATHS`) when a pool spec has a `statusPort`
 * (pacer/src/worker-pools/deployment-manifest.ts): readiness `/health`, liveness `/live`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenHttp, type ListeningHttpServer } from '../../../core/src/util/listening-http-server';
import type { Logger } from '../../../core/src/logging/logger';
import type { MetricsRequestHandler } from '../../../core/src/telemetry/process-telemetry';
import type { WorkerReadiness } from './worker-readiness';

/** The routes, for the probes that call them. */
export const WORKER_STATUS_PATHS = { health: '/health', live: '/live', metrics: '/metrics' } as const;

export interface WorkerStatusServerOptions {
  readonly port: number;
  readonly host?: string;
  /** The body of `/health`, built per request (cheap: in-memory counters). */
  readonly health: () => object;
  /** Whether the worker is ready to take jobs (`() => worker.readiness()`): `/health`'s status, 200 or 503. */
  readonly readiness: () => WorkerReadiness;
  readonly metrics?: MetricsRequestHandler;
  readonly logger: Logger;
}

export class WorkerStatusServer {
  private constructor(private readonly server: ListeningHttpServer) {}

  static async listen(options: WorkerStatusServerOptions): Promise<WorkerStatusServer> {
    const server = await listenHttp((req, res) => handle(options, req, res), options.port, options.host ?? '127.0.0.1');
    return new WorkerStatusServer(server);
  }

  get port(): number {
    return this.server.port;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

function handle(options: WorkerStatusServerOptions, req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  try {
    if (path === WORKER_STATUS_PATHS.health) sendHealth(options, res);
    else if (path === WORKER_STATUS_PATHS.live) send(res, 200, 'text/plain', 'OK\n');
    else if (path === WORKER_STATUS_PATHS.metrics && options.metrics !== undefined) options.metrics(req, res);
    else send(res, 404, 'application/json', '{"error":"not found"}\n');
  } catch (e) {
    options.logger.error({ err: e, path }, 'worker status request failed');
    send(res, 500, 'text/plain', 'internal error\n');
  }
}

/** The owner's JSON with `ready` (and `reason` when not): 200 when ready, 503 otherwise. */
function sendHealth(options: WorkerStatusServerOptions, res: ServerResponse): void {
  const { ready, reason } = options.readiness();
  const body = { ...options.health(), ready, ...(reason === undefined ? {} : { reason }) };
  send(res, ready ? 200 : 503, 'application/json', `${JSON.stringify(body)}\n`);
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
