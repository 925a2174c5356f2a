/**
 * The pool manager's admin HTTP port (default 9040, pool-manager-config.ts):
 *
 *   GET /health   readiness: 200 once a pass has succeeded, 503 before; the JSON of
 *                 `PoolManager.status()` (pools with desired/current replicas, backlog, last error)
 *   GET /live     liveness: 200 `OK` while the process answers (a cluster problem must not get
 *                 the manager restarted)
 *
 * Anything else is 404.
 */
import { createServer, type Server } from 'node:http';
import type { PoolManagerStatus } from './pool-manager';

export interface AdminServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startAdminServer(host: string, port: number, status: () => PoolManagerStatus): Promise<AdminServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/health') {
      const body = status();
      res.writeHead(body.ready ? 200 : 503, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
    } else if (path === '/live') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK\n');
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found: GET /health or /live"}\n');
    }
  });
  await listen(server, host, port);
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new Error(`cannot serve the admin port on ${host}:${port}: ${e.code ?? e.message}`)));
    server.listen(port, host, () => resolve());
  });
}
