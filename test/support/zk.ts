/**
 * A small promise wrapper over node-zookeeper-client for tests, on the ZooKeeper of test-env.ts.
 * Close what you open:
 *
 *   const zk = await openZk();               // ... await zk.close();
 *   await withZk((zk) => zk.mkdirp('/test/x'));
 */
import zookeeper, { type Client, type Exception } from 'node-zookeeper-client';
import { testEnv } from './test-env';

const CONNECT_TIMEOUT_MS = 10_000;
const CLOSE_TIMEOUT_MS = 5_000;

/** A ZooKeeper failure as an Error, keeping the client's numeric code (e.g. NO_NODE = -101). */
export class ZkTestError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
    this.name = 'ZkTestError';
  }
}

export const ZK_NO_NODE = zookeeper.Exception.NO_NODE;
export const ZK_NOT_EMPTY = zookeeper.Exception.NOT_EMPTY;

type Callback<T> = (error: Error | Exception | null, value: T) => void;

function call<T>(start: (cb: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    start((error, value) => (error ? reject(toError(error)) : resolve(value)));
  });
}

function toError(error: Error | Exception): Error {
  // Exceptions of the client are not Errors; socket errors come from Node's realm, not jest's.
  if ('getCode' in error && typeof error.getCode === 'function') {
    return new ZkTestError(error.getCode(), error.toString());
  }
  return error as Error;
}

export class TestZkClient {
  constructor(readonly raw: Client) {}

  mkdirp(path: string, data?: Buffer): Promise<string> {
    return call<string>((cb) => (data ? this.raw.mkdirp(path, data, cb) : this.raw.mkdirp(path, cb)));
  }

  create(path: string, data: Buffer, mode: number = zookeeper.CreateMode.PERSISTENT): Promise<string> {
    return call<string>((cb) => this.raw.create(path, data, mode, cb));
  }

  async exists(path: string): Promise<boolean> {
    return (await call<unknown>((cb) => this.raw.exists(path, cb))) != null;
  }

  getChildren(path: string): Promise<string[]> {
    return call<string[]>((cb) => this.raw.getChildren(path, cb));
  }

  async getData(path: string): Promise<Buffer | null> {
    return call<Buffer | null>((cb) => this.raw.getData(path, cb));
  }

  /** Removes one node (it must have no children). */
  remove(path: string): Promise<void> {
    return call<void>((cb) => this.raw.remove(path, (error) => cb(error, undefined)));
  }

  /** Removes `path` and everything below it; a missing node is not an error. */
  async removeRecursive(path: string): Promise<void> {
    let children: string[];
    try {
      children = await this.getChildren(path);
    } catch (error) {
      if (isNoNode(error)) return;
      throw error;
    }
    for (const child of children) await this.removeRecursive(`${path === '/' ? '' : path}/${child}`);
    try {
      await this.remove(path);
    } catch (error) {
      if (!isNoNode(error)) throw error;
    }
  }

  /** Closes the session and waits until the client reports it disconnected (bounded). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      const state = this.raw.getState();
      if (state === zookeeper.State.DISCONNECTED || state === zookeeper.State.EXPIRED) {
        this.raw.close();
        resolve();
        return;
      }
      const timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
      this.raw.once('disconnected', () => {
        clearTimeout(timer);
        resolve();
      });
      this.raw.close();
    });
  }
}

export function isNoNode(error: unknown): boolean {
  return error instanceof ZkTestError && error.code === ZK_NO_NODE;
}

/** Connects (bounded); `connectString` may carry a chroot, e.g. `127.0.0.1:2181/test/abc`. */
export function openZk(connectString = testEnv().zookeeper.connectString): Promise<TestZkClient> {
  const raw = zookeeper.createClient(connectString, { sessionTimeout: 10_000, spinDelay: 200, retries: 1 });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      raw.close();
      reject(new Error(`ZooKeeper at ${connectString}: not connected within ${CONNECT_TIMEOUT_MS} ms`));
    }, CONNECT_TIMEOUT_MS);
    raw.once('connected', () => {
      clearTimeout(timer);
      resolve(new TestZkClient(raw));
    });
    raw.connect();
  });
}

export async function withZk<T>(fn: (client: TestZkClient) => Promise<T>, connectString?: string): Promise<T> {
  const client = await openZk(connectString);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}
