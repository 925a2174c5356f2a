import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from '../../../core/src/logging/logger';
import { runDetached } from '../../../core/src/util/run-detached';

export interface AdminRoutes {
  /** `/health`: JSON body and whether the backend is healthy (200) or not (503). */
  health(): Promise<{ healthy: boolean; body: unknown }>;
  /** `/stats.txt`: Ostrich-style text. */
  statsText(): string;
  /** `/metrics`: the OpenTelemetry Prometheus exporter's handler; absent: 404 (metrics off). */
  metrics?: (req: IncomingMessage, res: ServerResponse) => void;
  /** `/limits`: the dequeue limits in force, as JSON (docs/rate-limits.md); absent: 404. */
  limits?: () => unknown;
  /** `/backlog?queue=<name>`: one queue's backlog as JSON (backlog-endpoint.ts); absent: 404. */
  backlog?: (query: URLSearchParams) => Promise<{ status: number; body: unknown }>;
  /** `/dashboard…`: the built-in dashboard (gateway/src/dashboard/dashboard-routes.ts); false: not its path. */
  dashboard?: { handle(path: string, query: URLSearchParams, res: ServerResponse): boolean };
}

/**
 * The admin HTTP port (PinLater's Ostrich port, FACTS §1.1): `/health` (readiness: can the
 * backend serve?), `/live` (liveness: the process answers; never touches the backend, so a
 * Redis/MySQL outage does not get gateways restarted), `/stats.txt` and `/metrics` (Prometheus,
 * through the OpenTelemetry exporter's own request handler), `/limits` (the dequeue rate limits in
 * force and where each comes from, docs/rate-limits.md), `/backlog?queue=<name>` (one queue's
 * backlog for autoscalers, backlog-endpoint.ts), and the built-in dashboard under `/dashboard` when
 * the gateway gives one.
 */
export class AdminHttpServer {
  private readonly server: Server;

  constructor(
    private readonly routes: AdminRoutes,
    private readonly logger: Logger,
  ) {
    this.server = createServer((req, res) => runDetached('admin request from the http server callback', this.handle(req, res), this.logger));
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolvePromise, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolvePromise(this.server.address() as AddressInfo);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolvePromise) => {
      this.server.close(() => resolvePromise());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const mark = url.indexOf('?');
    const [path, search] = mark < 0 ? [url, ''] : [url.slice(0, mark), url.slice(mark + 1)];
    try {
      if (path === '/live') {
        send(res, 200, 'text/plain', 'OK\n');
      } else if (path === '/health') {
        const h = await this.routes.health();
        send(res, h.healthy ? 200 : 503, 'application/json', JSON.stringify(h.body));
      } else if (path === '/stats.txt') {
        send(res, 200, 'text/plain; charset=utf-8', this.routes.statsText());
      } else if (path === '/metrics' && this.routes.metrics !== undefined) {
        this.routes.metrics(req, res);
      } else if (path === '/limits' && this.routes.limits !== undefined) {
        send(res, 200, 'application/json', JSON.stringify(this.routes.limits()));
      } else if (path === '/backlog' && this.routes.backlog !== undefined) {
        const answer = await this.routes.backlog(new URLSearchParams(search));
        send(res, answer.status, 'application/json', JSON.stringify(answer.body));
      } else if (this.routes.dashboard?.handle(path, new URLSearchParams(search), res) !== true) {
        send(res, 404, 'text/plain', 'not found\n');
      }
    } catch (e) {
      this.logger.error({ err: e, path }, 'admin request failed');
      send(res, 500, 'text/plain', 'internal error\n');
    }
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
