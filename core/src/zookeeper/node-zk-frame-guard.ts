/**
 * Two repairs to node-zookeeper-client 1.1.3's reply parsing (its private ConnectionManager, as
 * node-zk-connection-watchdog.ts does for timeouts):
 *
 * - **Stale bytes across connections.** The library keeps the unparsed tail of a socket's data
 *   (`pendingBuffer`) and never clears it when that socket closes. A server that dies in the
 *   middle of a reply (a ZooKeeper restart) leaves half a frame there, and the library prefixes
 *   it to the next connection's first reply: the ConnectResponse and everything after it are read
 *   at the wrong offsets. Here every socket close clears it first.
 * - **A parse error is a thrown exception in a socket callback**, i.e. an uncaught exception that
 *   ends the process (seen: `Unknown code: -137822208` from Exception.create while a restarted
 *   server's replies were misparsed). Here it drops the connection instead, the library's own
 *   recovery path (fail what is in flight with CONNECTION_LOSS, reconnect with the same session),
 *   and is reported through `onParseError`.
 *
 * If the internals are not what this module expects (another library version), it does nothing.
 */
import type { Socket } from 'node:net';
import type { Client } from 'node-zookeeper-client';

interface ConnectionManagerInternals {
  pendingBuffer: Buffer | null;
  socket?: Socket;
  onSocketData(buffer: Buffer): void;
  onSocketClosed(hadError: boolean): void;
}

/** Installs both repairs; call before `client.connect()` (the library binds its handlers per socket). */
export function guardReplyParsing(raw: Client, onParseError: (error: unknown) => void): boolean {
  const cm = (raw as unknown as { connectionManager?: Partial<ConnectionManagerInternals> }).connectionManager;
  if (cm === undefined || typeof cm.onSocketData !== 'function' || typeof cm.onSocketClosed !== 'function' || !('pendingBuffer' in cm)) return false;
  const manager = cm as ConnectionManagerInternals;
  const onSocketData = manager.onSocketData.bind(manager);
  const onSocketClosed = manager.onSocketClosed.bind(manager);
  manager.onSocketClosed = (hadError: boolean): void => {
    manager.pendingBuffer = null;
    onSocketClosed(hadError);
  };
  manager.onSocketData = (buffer: Buffer): void => {
    try {
      onSocketData(buffer);
    } catch (error) {
      manager.pendingBuffer = null;
      manager.socket?.destroy();
      onParseError(error);
    }
  };
  return true;
}
