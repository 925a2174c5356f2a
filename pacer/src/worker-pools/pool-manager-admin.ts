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
import { listenHttp, type ListeningHttpServer } from '../../../core/src/util/listening-http-server';
import type { PoolManagerStatus } from './pool-manager';

export type AdminServer = ListeningHttpServer;

export async function startAdminServer(host: string, port: number, status: () => PoolManagerStatus): Promise<AdminServer> {
  return listenHttp((req, res) => {
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
  }, port, host);
}
