/**
 * The two timeouts node-zookeeper-client 1.1.3 lacks, added from outside (the only module that
 * touches the library's private `ConnectionManager`: its numeric `state` and its `socket`):
 *
 * - **Handshake timeout.** The library clears its connect timer as soon as TCP connects, so a
 *   connection the server accepts but never answers leaves the client CONNECTING forever: every
 *   request parks in its queue (our calls end in OPERATION_TIMEOUT, again and again) and, since it
 *   never reaches a server again, the client is never told that its session expired. A restarting
 *   ZooKeeper does exactly that: its port is bound before it serves, and a connection made in that
 *   window was seen accepted with its 44-byte ConnectRequest never read (issue 17: the leader
 *   controller and the gateway stuck for good). The Java client bounds the handshake by its
 *   connect timeout; here a handshake longer than `handshakeTimeoutMs` destroys the socket, and
 *   the library reconnects (same session) at once.
 * - **Read timeout.** The library pings after a third of the session timeout of silence but never
 *   checks that anything comes back, so a server that stops answering without closing the socket
 *   (frozen, or a network partition that drops packets) is never noticed. Like the Java client,
 *   nothing heard for `readTimeoutMs` (2/3 of the session timeout) destroys the socket.
 *
 * Destroying the socket is the library's own recovery path (`onSocketClosed`: fail the requests in
 * flight with CONNECTION_LOSS, reconnect with the same session id). If the library's internals
 * are not what this module expects (another version), it does nothing.
 */
import type { Socket } from 'node:net';
import type { Client } from 'node-zookeeper-client';

/** ConnectionManager.STATES of node-zookeeper-client 1.1.3. */
const CONNECTING = 1;
const CONNECTED = 2;

interface ConnectionManagerInternals {
  readonly state: number;
  readonly socket?: Socket;
}

export interface ConnectionWatchdogOptions {
  readonly handshakeTimeoutMs: number;
  readonly readTimeoutMs: number;
  /** Check period. Default: a quarter of the handshake timeout, at most 250 ms. */
  readonly tickMs?: number;
  /** Called (for logs and counters) each time the watchdog drops a connection. */
  readonly onDrop?: (reason: 'handshake-timeout' | 'read-timeout') => void;
}

function internalsOf(raw: Client): ConnectionManagerInternals | undefined {
  const cm = (raw as unknown as { connectionManager?: Partial<ConnectionManagerInternals> }).connectionManager;
  return cm && typeof cm.state === 'number' ? (cm as ConnectionManagerInternals) : undefined;
}

export class ConnectionWatchdog {
  private readonly timer: NodeJS.Timeout;
  private watched: Socket | undefined;
  /** When the watched socket's TCP connection was first seen open while the handshake is pending. */
  private handshakeSinceMs: number | undefined;
  private lastHeardMs = Date.now();
  private readonly heard = (): void => {
    this.lastHeardMs = Date.now();
  };

  constructor(private readonly raw: Client, private readonly options: ConnectionWatchdogOptions) {
    const tick = options.tickMs ?? Math.min(250, Math.max(20, Math.floor(options.handshakeTimeoutMs / 4)));
    this.timer = setInterval(() => this.check(), tick);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.watched?.off('data', this.heard);
    this.watched = undefined;
  }

  /** Destroys the current socket at once (used by `close()` so no socket outlives the client). */
  destroySocket(): void {
    internalsOf(this.raw)?.socket?.destroy();
  }

  private check(): void {
    const cm = internalsOf(this.raw);
    const socket = cm?.socket;
    if (!cm || !socket || socket.destroyed) return;
    const now = Date.now();
    if (socket !== this.watched) this.watch(socket, now);
    if (cm.state === CONNECTING && !socket.connecting) {
      this.handshakeSinceMs ??= now;
      if (now - this.handshakeSinceMs > this.options.handshakeTimeoutMs) this.drop(socket, 'handshake-timeout');
    } else if (cm.state === CONNECTED && now - this.lastHeardMs > this.options.readTimeoutMs) {
      this.drop(socket, 'read-timeout');
    }
  }

  private watch(socket: Socket, now: number): void {
    this.watched?.off('data', this.heard);
    this.watched = socket;
    this.handshakeSinceMs = undefined;
    this.lastHeardMs = now;
    socket.on('data', this.heard);
  }

  private drop(socket: Socket, reason: 'handshake-timeout' | 'read-timeout'): void {
    this.handshakeSinceMs = undefined;
    this.lastHeardMs = Date.now();
    socket.destroy();
    this.options.onDrop?.(reason);
  }
}
