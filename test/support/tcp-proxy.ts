/**
 * A TCP forwarder on 127.0.0.1 that a test can cut, to give one client a network partition
 * without touching the shared service behind it: `cut()` destroys every open connection and
 * refuses new ones (accepted, then destroyed at once) until `restore()`. `blackhole()` destroys
 * every open connection and then accepts new ones but never answers nor closes them (a server that
 * accepted a connection it will never serve); such a connection stays silent even after
 * `restore()`, which only makes NEW connections forward again. `freeze()` stops forwarding on the
 * open connections without closing them (a frozen server, or a path that drops every packet).
 * `close()` stops it.
 *
 *   const proxy = await TcpProxy.start('127.0.0.1', 2181);
 *   connect(`127.0.0.1:${proxy.port}/chroot`); … proxy.cut(); … proxy.restore(); await proxy.close();
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private readonly silent = new Set<Socket>();
  private readonly pairs = new Set<readonly [Socket, Socket]>();
  private blocked = false;
  private swallowing = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined;
    const server = createServer((client) => proxy?.accept(client, targetHost, targetPort));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    proxy = new TcpProxy(server, (server.address() as AddressInfo).port);
    return proxy;
  }

  get isCut(): boolean {
    return this.blocked;
  }

  /** Drops every connection through the proxy and refuses new ones. */
  cut(): void {
    this.blocked = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  /** Drops every connection; new ones are accepted and then ignored (never answered, never closed). */
  blackhole(): void {
    this.cut();
    this.blocked = false;
    this.swallowing = true;
  }

  /** Open connections stop forwarding in both directions but stay open (nothing is closed). */
  freeze(): void {
    for (const [a, b] of this.pairs) {
      a.unpipe(b);
      b.unpipe(a);
      a.pause();
      b.pause();
    }
  }

  /** Connections held silent by `blackhole()` so far. */
  get silentConnections(): number {
    return this.silent.size;
  }

  restore(): void {
    this.blocked = false;
    this.swallowing = false;
  }

  async close(): Promise<void> {
    this.cut();
    for (const s of this.silent) s.destroy();
    this.silent.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, host: string, port: number): void {
    if (this.blocked) {
      client.destroy();
      return;
    }
    if (this.swallowing) {
      this.silent.add(client);
      client.on('data', () => undefined);
      client.on('error', () => undefined);
      client.on('close', () => this.silent.delete(client));
      return;
    }
    const upstream = connect(port, host);
    const pair = [client, upstream] as const;
    this.pairs.add(pair);
    client.once('close', () => this.pairs.delete(pair));
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.sockets.add(a);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        this.sockets.delete(a);
        b.destroy();
      });
      a.pipe(b);
    }
  }
}
