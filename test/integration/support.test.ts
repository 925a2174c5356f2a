/** Tests of the test infrastructure itself (test/support), against the real services. */
import { createConnection } from 'node:net';
import { eventually, EventuallyTimeoutError } from '../support/eventually';
import { assertNoLeaks, leakedResources } from '../support/leak-check';
import { listDatabases, withMysql } from '../support/mysql';
import {
  freshDatabase, redisCleanup, uniqueMysqlInstanceId, uniqueShardBase, zkChroot,
} from '../support/namespaces';
import { withRedis } from '../support/redis';
import { probeAll, probeRedis, probeZookeeper, waitForServices } from '../support/service-health';
import { testEnv } from '../support/test-env';
import { withZk } from '../support/zk';
import { freePort } from '../support/free-port';

afterAll(assertNoLeaks);

describe('test-env', () => {
  it('makes loggers silent under jest unless TEST_LOG_LEVEL says otherwise', () => {
    expect(testEnv().logLevel).toBe(process.env.TEST_LOG_LEVEL);
    expect(testEnv().logLevel).not.toBe('');
  });
});

describe('eventually', () => {
  it('retries until the assertion passes and returns its value', async () => {
    let calls = 0;
    const value = await eventually(() => {
      calls += 1;
      expect(calls).toBeGreaterThanOrEqual(3);
      return calls;
    }, { intervalMs: 1 });
    expect(value).toBe(3);
  });

  it('accepts async assertions', async () => {
    const started = Date.now();
    await eventually(async () => expect(Date.now() - started).toBeGreaterThanOrEqual(30), { intervalMs: 5 });
  });

  it('fails after the timeout with the last error and the attempt count', async () => {
    const failure = eventually(() => {
      throw new Error('never ready');
    }, { timeoutMs: 100, intervalMs: 10 });
    await expect(failure).rejects.toThrow(EventuallyTimeoutError);
    await expect(failure).rejects.toThrow(/still failing after 100 ms \(\d+ attempts\): never ready/);
    const error = (await failure.catch((e: unknown) => e)) as EventuallyTimeoutError;
    expect(error.attempts).toBeGreaterThan(1);
    expect(error.cause).toBeInstanceOf(Error);
  });
});

describe('namespaces: names', () => {
  it('uniqueShardBase gives short, distinct legacy shard names', () => {
    const names = Array.from({ length: 500 }, () => uniqueShardBase());
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(name).toMatch(/^[a-z0-9]{4,12}$/);
      expect(name.startsWith('pacer')).toBe(false);
    }
  });

  it('uniqueMysqlInstanceId gives distinct 6-8 digit integers', () => {
    const ids = Array.from({ length: 500 }, () => uniqueMysqlInstanceId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(Number.isInteger(id)).toBe(true);
      expect(String(id)).toMatch(/^[1-9]\d{5,7}$/);
    }
  });
});

describe('namespaces: freshDatabase', () => {
  it('creates a usable database and drops it', async () => {
    const db = await freshDatabase('support_test');
    try {
      expect(db.name).toMatch(/^support_test_[a-z0-9]+$/);
      expect(await listDatabases(db.name)).toEqual([db.name]);
      await withMysql(async (conn) => {
        await conn.query('CREATE TABLE t (id INT PRIMARY KEY)');
        await conn.query('INSERT INTO t VALUES (1), (2)');
        const [rows] = await conn.query('SELECT COUNT(*) AS n FROM t');
        expect((rows as Array<{ n: number }>)[0]?.n).toBe(2);
      }, db.name);
    } finally {
      await db.drop();
    }
    expect(await listDatabases(db.name)).toEqual([]);
    await db.drop(); // idempotent
  });

  it('gives each call its own database', async () => {
    const [a, b] = await Promise.all([freshDatabase('support_test'), freshDatabase('support_test')]);
    await Promise.all([a.drop(), b.drop()]);
    expect(a.name).not.toBe(b.name);
  });

  it('rejects prefixes that are not plain identifiers', async () => {
    await expect(freshDatabase('bad-prefix`; DROP')).rejects.toThrow(/prefix must match/);
  });
});

describe('namespaces: redisCleanup', () => {
  it('deletes exactly the keys matching the patterns (SCAN + DEL)', async () => {
    const shard = uniqueShardBase();
    const other = uniqueShardBase();
    await withRedis(async (redis) => {
      const batch = redis.multi();
      for (let i = 0; i < 1500; i++) batch.set(`q${i % 3}:s${shard}:p1:${i}`, 'x');
      await batch.exec();
      await redis.hSet(`meta_${shard}`, 'a', '1');
      await redis.set(`q0:s${other}:p1:1`, 'keep');
    });
    expect(await redisCleanup([`*:s${shard}:*`, `meta_${shard}`])).toBe(1501);
    await withRedis(async (redis) => {
      expect(await redis.exists(`q0:s${shard}:p1:0`)).toBe(0);
      expect(await redis.get(`q0:s${other}:p1:1`)).toBe('keep');
    });
    expect(await redisCleanup([`*:s${other}:*`])).toBe(1);
    expect(await redisCleanup([`*:s${other}:*`])).toBe(0);
  });

  it('refuses patterns broad enough to hit other tests', async () => {
    await expect(redisCleanup(['*'])).rejects.toThrow(/too broad/);
    await expect(redisCleanup(['*:s*'])).rejects.toThrow(/too broad/);
  });
});

describe('namespaces: zkChroot', () => {
  it('creates /test/<id>, scopes a chrooted client to it, and removes it recursively', async () => {
    const chroot = await zkChroot();
    expect(chroot.path).toMatch(/^\/test\/[a-z0-9]+$/);
    expect(chroot.connectString).toBe(`${testEnv().zookeeper.connectString}${chroot.path}`);
    await withZk(async (zk) => {
      await zk.mkdirp('/brokers/b1/leases');
      await zk.create('/brokers/b1/data', Buffer.from('hello'));
      expect((await zk.getChildren('/brokers/b1')).sort()).toEqual(['data', 'leases']);
    }, chroot.connectString);
    await withZk(async (zk) => {
      expect(await zk.exists(`${chroot.path}/brokers/b1/leases`)).toBe(true);
      expect((await zk.getData(`${chroot.path}/brokers/b1/data`))?.toString()).toBe('hello');
    });
    await chroot.remove();
    await withZk(async (zk) => expect(await zk.exists(chroot.path)).toBe(false));
    await chroot.remove(); // idempotent
  });
});

describe('service-health', () => {
  it('finds all three services healthy', async () => {
    const results = await probeAll();
    expect(results.map((r) => [r.service, r.healthy, r.detail])).toEqual([
      ['redis', true, ''], ['mariadb', true, ''], ['zookeeper', true, ''],
    ]);
  });

  it('reports a service that does not answer', async () => {
    const port = await freePort();
    const redis = await probeRedis('127.0.0.1', port);
    expect(redis.healthy).toBe(false);
    expect(redis.detail).toMatch(/ECONNREFUSED/);
    const zk = await probeZookeeper('127.0.0.1', port);
    expect(zk.healthy).toBe(false);
  });

  it('waitForServices fails within its bound, naming the unhealthy service', async () => {
    const port = await freePort();
    const started = Date.now();
    const wait = waitForServices({
      timeoutMs: 300, intervalMs: 50, probes: async () => [await probeZookeeper('127.0.0.1', port)],
    });
    await expect(wait).rejects.toThrow(new RegExp(`zookeeper at 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    await expect(wait).rejects.toThrow(/bash scripts\/services\.sh start/);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('leak-check', () => {
  it('sees an open socket as a leak until it is closed', async () => {
    const socket = createConnection({ host: '127.0.0.1', port: testEnv().redis.port });
    await new Promise((resolve) => socket.once('connect', resolve));
    expect(leakedResources().join(' ')).toMatch(/TCP/);
    await expect(assertNoLeaks({ settleMs: 100 })).rejects.toThrow(/left handles open.*TCP/);
    socket.destroy();
    await assertNoLeaks();
    expect(leakedResources()).toEqual([]);
  });
});
