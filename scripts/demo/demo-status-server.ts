/**
 * A demo process's status port: `GET /health` answers 200 with its counters as JSON (what it has
 * enqueued, dequeued, acked), anything else 404. Bound to 127.0.0.1. scripts/up.sh waits for it
 * to listen; the integration test reads the counters.
 */
import { createServer, type Server } from 'node:http';

export class DemoStatusServer {
  private constructor(private readonly server: Server) {}

  static start(port: number, body: () => object): Promise<DemoStatusServer> {
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if ((req.url ?? '/').split('?')[0] !== '/health') {
        res.statusCode = 404;
        res.end('{"error":"not found"}\n');
        return;
      }
      res.end(`${JSON.stringify(body())}\n`);
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve(new DemoStatusServer(server));
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
