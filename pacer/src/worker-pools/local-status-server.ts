/**
 * The local runtime's status port (`--status-port`): `GET /health` answers the runtime's health as
 * JSON (local-pool-health.ts), 200 when every pool has its replicas running, 503 otherwise with the
 * reasons in `problems`. Anything else is 404. Bound to 127.0.0.1; scripts/up.sh waits for it to
 * listen, as for every process of the local bring-up.
 */
import { listenHttp, type ListeningHttpServer } from '../../../core/src/util/listening-http-server';
import { healthHttpStatus, type RuntimeHealth } from './local-pool-health';

export class LocalStatusServer {
  private constructor(private readonly server: ListeningHttpServer) {}

  /** Listens on 127.0.0.1:`port` (0: any free port; see `port`). */
  static async start(port: number, health: () => RuntimeHealth): Promise<LocalStatusServer> {
    const server = await listenHttp((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.method !== 'GET' || (req.url ?? '/').split('?')[0] !== '/health') {
        res.statusCode = 404;
        res.end('{"error":"not found; try GET /health"}\n');
        return;
      }
      const body = health();
      res.statusCode = healthHttpStatus(body);
      res.end(`${JSON.stringify(body)}\n`);
    }, port);
    return new LocalStatusServer(server);
  }

  get port(): number {
    return this.server.port;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
