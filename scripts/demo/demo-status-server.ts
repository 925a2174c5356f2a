/**
 * A demo process's status port: `GET /health` answers 200 with its counters as JSON (what it has
 * enqueued, dequeued, acked), anything else 404. Bound to 127.0.0.1. scripts/up.sh waits for it
 * to listen; the integration test reads the counters.
 */
import { listenHttp, type ListeningHttpServer } from '../../core/src/util/listening-http-server';

export class DemoStatusServer {
  private constructor(private readonly server: ListeningHttpServer) {}

  static async start(port: number, body: () => object): Promise<DemoStatusServer> {
    const server = await listenHttp((req, res) => {
      res.setHeader('content-type', 'application/json');
      if ((req.url ?? '/').split('?')[0] !== '/health') {
        res.statusCode = 404;
        res.end('{"error":"not found"}\n');
        return;
      }
      res.end(`${JSON.stringify(body())}\n`);
    }, port);
    return new DemoStatusServer(server);
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
