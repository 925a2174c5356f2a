/**
 * The broker's admin HTTP port (`--admin-port`, PACER_ADMIN_PORT; bound to `--admin-host`, PACER_ADMIN_HOST, default 127.0.0.1): `/metrics`
 * (Prometheus, through the OpenTelemetry exporter's handler; 404 when metrics are off), `/live`
 * (the process answers), `/health` (JSON of what the `status` RPC reports: owned partitions,
 * buffered jobs, counters) and `/status` (exactly the `status` RPC's fields, broker-status.ts; what
 * `pinlater-ops pacer broker-status --json` prints).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenHttp, type ListeningHttpServer } from '../../../core/src/util/listening-http-server';
import type { Logger } from '../../../core/src/logging/logger';
import type { MetricsRequestHandler } from '../../../core/src/telemetry/process-telemetry';
import { brokerStatusOf } from './broker-status';
import type { DequeueBroker } from './dequeue-broker';

export class BrokerAdminServer {
  private constructor(private readonly server: ListeningHttpServer) {}

  static async listen(
    broker: DequeueBroker, port: number, metrics: MetricsRequestHandler | undefined, logger: Logger, host = '127.0.0.1',
  ): Promise<BrokerAdminServer> {
    const server = await listenHttp((req, res) => handle(broker, metrics, logger, req, res), port, host);
    return new BrokerAdminServer(server);
  }

  get port(): number {
    return this.server.port;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

function handle(broker: DequeueBroker, metrics: MetricsRequestHandler | undefined, logger: Logger, req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  try {
    if (path === '/metrics' && metrics !== undefined) metrics(req, res);
    else if (path === '/live') send(res, 200, 'text/plain', 'OK\n');
    else if (path === '/status') send(res, 200, 'application/json', `${JSON.stringify(brokerStatusOf(broker))}\n`);
    else if (path === '/health') send(res, 200, 'application/json', `${JSON.stringify({ brokerId: broker.brokerId, partitions: broker.partitions(), ...broker.counters })}\n`);
    else send(res, 404, 'text/plain', 'not found\n');
  } catch (e) {
    logger.error({ err: e, path }, 'broker admin request failed');
    send(res, 500, 'text/plain', 'internal error\n');
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
