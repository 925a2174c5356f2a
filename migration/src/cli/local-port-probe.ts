/**
 * Whether something accepts TCP connections on 127.0.0.1:<port>, as scripts/up.sh checks it
 * (`/dev/tcp/127.0.0.1/<port>`): a process of the bring-up is ready once its port listens.
 */
import { createConnection } from 'node:net';

const CONNECT_TIMEOUT_MS = 1000;

export function portListening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const finish = (listening: boolean): void => {
      socket.destroy();
      resolve(listening);
    };
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}
