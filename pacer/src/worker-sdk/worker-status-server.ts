/**
 * A worker process's small status port (optional; 127.0.0.1 by default): `GET /health` answers 200
 * with the JSON its owner builds (counters, state), `GET /live` answers `OK` while the process runs,
 * `GET /metrics` serves the process's Prometheus metrics when telemetry is on
 * (core/src/telemetry/process-telemetry.ts `metricsHandler`); anything else is 404.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../../core/src/logging/logger';
import type { MetricsRequestHandler } from '../../../core/src/telemetry/process-telemetry';

export interface WorkerStatusServerOptions {
  readonly port: number;
  readonly host?: string;
  /** The body of `/health`, built per request (cheap: in-memory counters). */
  readonly health: () => object;
  readonly metrics?: MetricsRequestHandler;
  readonly logger: Logger;
}

export class WorkerStatusServer {
  private constructor(private readonly server: Server) {}

  static async listen(options: WorkerStatusServerOptions): Promise<WorkerStatusServer> {
    const server = createServer((req, res) => handle(options, req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new WorkerStatusServer(server);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

function handle(options: WorkerStatusServerOptions, req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  try {
    if (path === '/health') send(res, 200, 'application/json', `${JSON.stringify(options.health())}\n`);
    else if (path === '/live') send(res, 200, 'text/plain', 'OK\n');
    else if (path === '/metrics' && options.metrics !== undefined) options.metrics(req, res);
    else send(res, 404, 'application/json', '{"error":"not found"}\n');
  } catch (e) {
    options.logger.error({ err: e, path }, 'worker status request failed');
    send(res, 500, 'text/plain', 'internal error\n');
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
