/**
 * A small HTTP server listening on one address, for the status and admin ports of processes (the
 * broker's admin port, the worker SDK's and the local runtime's status ports, the pool manager's
 * admin port, the demo's): listen (resolving once bound, rejecting with the address and the error
 * code when it cannot bind), the port it got (0 asks for any free port), and close() that also ends
 * idle keep-alive connections so a process can exit at once.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ListeningHttpServer {
  /** The bound port (the chosen one when 0 was asked). */
  readonly port: number;
  close(): Promise<void>;
}

export async function listenHttp(handler: RequestListener, port: number, host = '127.0.0.1'): Promise<ListeningHttpServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException): void => reject(Object.assign(new Error(`cannot listen on ${host}:${port}: ${err.code ?? err.message}`), { code: err.code }));
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  return { port: (server.address() as AddressInfo).port, close: () => closeServer(server) };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
