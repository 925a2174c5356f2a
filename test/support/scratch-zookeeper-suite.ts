import { ScratchZooKeeper } from './scratch-zookeeper';
import { freePort } from './free-port';

export interface ScratchZooKeeperSuite {
  /** The file's private server (started before its first test). */
  readonly server: ScratchZooKeeper;
  /** Closes `resource` after the current test, newest first (a session before the proxy it runs through). */
  closeAfterEach<T extends { close(): Promise<unknown> }>(resource: T): T;
}

/**
 * A private ZooKeeper server for one test file that stops and restarts it: started in beforeAll;
 * after each test, what the test registered is closed and the server started again (a test that
 * failed half-way may have left it down); disposed in afterAll.
 */
export function scratchZooKeeperSuite(label: string, options: { tickTimeMs?: number } = {}): ScratchZooKeeperSuite {
  let server: ScratchZooKeeper | undefined;
  const resources: Array<{ close(): Promise<unknown> }> = [];
  beforeAll(async () => {
    server = new ScratchZooKeeper(await freePort(), { tickTimeMs: options.tickTimeMs ?? 250, label });
    await server.start();
  });
  afterEach(async () => {
    for (const r of resources.splice(0).reverse()) await r.close();
    await server?.start();
  });
  afterAll(async () => {
    await server?.dispose();
  });
  return {
    get server(): ScratchZooKeeper {
      if (server === undefined) throw new Error(`scratch ZooKeeper '${label}' is not started (its beforeAll failed)`);
      return server;
    },
    closeAfterEach: (resource) => {
      resources.push(resource);
      return resource;
    },
  };
}
