/**
 * Unique names per test, so tests never share state on the real services (TEAM-NOTES: isolate
 * every test). Legacy PinLater puts the shard name inside every Redis key and MySQL database name,
 * so a unique shard name isolates a legacy backend; Pacer gets a fresh database; ZooKeeper users
 * get a chroot.
 *
 *   const shard = uniqueShardBase();                 // e.g. 't4k9x2mq'; add suffixes for more shards
 *   const { name, drop } = await freshDatabase('pacer_test');   afterAll(drop);
 *   const chroot = await zkChroot();                 // chroot.connectString ends with /test/<id>
 *   afterAll(() => chroot.remove());
 *   afterAll(() => releaseNamespace(redisKeysNamespace(shardKeyPatterns(shard))));
 *
 * Every removal goes through test/support/namespace-keeper.ts: a namespace whose test or suite
 * failed is kept and named (with an inspect command) in the failure output.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { listDatabases, withMysql } from './mysql';
import { releaseOnce, type ReleaseOutcome, type TestNamespace } from './namespace-keeper';
import { withRedis } from './redis';
import { testEnv } from './test-env';
import { withZk } from './zk';

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const issued = new Set<string>();

/** `length` random characters from [a-z0-9]. */
export function randomAlnum(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALNUM[byte % ALNUM.length];
  return out;
}

function uniqueInProcess(make: () => string): string {
  for (;;) {
    const candidate = make();
    if (!issued.has(candidate)) {
      issued.add(candidate);
      return candidate;
    }
  }
}

/**
 * A short random legacy shard name: `t` + 7 of [a-z0-9] (8 characters). Letters and digits only
 * (no `_`, which MySQL database names use as separator, no `:`, which descriptors use), never
 * starting with `pacer`. Tests may append letters or digits to derive several shards.
 */
export function uniqueShardBase(): string {
  return uniqueInProcess(() => `t${randomAlnum(7)}`);
}

/** A random 6–8 digit legacy MySQL instance id (the MySQL shard name is `<id>` or `<id>d<n>`). */
export function uniqueMysqlInstanceId(): number {
  return Number(uniqueInProcess(() => String(randomInt(100_000, 100_000_000))));
}

export interface FreshDatabase {
  readonly name: string;
  /**
   * Drops the database, unless the test or suite running this cleanup failed: then it is kept and
   * named in the failure (test/support/namespace-keeper.ts). Idempotent.
   */
  drop(): Promise<ReleaseOutcome>;
}

const IDENTIFIER = /^[a-z][a-z0-9_]*$/;

/** Creates a MariaDB database `<prefix>_<random>` and returns its name and a drop function. */
export async function freshDatabase(prefix: string): Promise<FreshDatabase> {
  if (!IDENTIFIER.test(prefix) || prefix.length > 50) {
    throw new Error(`freshDatabase: prefix must match ${IDENTIFIER} and be at most 50 characters, got '${prefix}'`);
  }
  const name = uniqueInProcess(() => `${prefix}_${randomAlnum(10)}`);
  await withMysql((db) => db.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`));
  return { name, drop: releaseOnce(mysqlDatabaseNamespace(name)) };
}

/** One MariaDB database of the test services, as a namespace for `releaseNamespace`. */
export function mysqlDatabaseNamespace(name: string): TestNamespace {
  return {
    kind: 'MySQL database',
    name,
    inspect: `mysql -h127.0.0.1 -uroot ${name}`,
    remove: async () => {
      await withMysql((db) => db.query(`DROP DATABASE IF EXISTS \`${name}\``));
    },
  };
}

/**
 * Every MariaDB database whose name starts with one of `prefixes` (e.g. `plq_<shard>_` for the
 * databases of a legacy MySQL shard), as a namespace for `releaseNamespace`.
 */
export function mysqlDatabasesNamespace(prefixes: readonly string[]): TestNamespace {
  return {
    kind: 'MySQL databases',
    name: prefixes.map((prefix) => `${prefix}*`).join(' '),
    inspect: `mysql -h127.0.0.1 -uroot -e "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE ${prefixes
      .map((prefix) => `SCHEMA_NAME LIKE '${prefix.replace(/_/g, '\\_')}%'`)
      .join(' OR ')}"`,
    remove: async () => {
      const names = (await Promise.all(prefixes.map((prefix) => listDatabases(prefix)))).flat();
      if (names.length === 0) return;
      await withMysql(async (db) => {
        for (const name of names) await db.query(`DROP DATABASE IF EXISTS \`${name}\``);
      });
    },
  };
}

const GLOB = /[*?[\]\\]/g;

/**
 * Deletes every Redis key matching any of the glob `patterns` (SCAN + DEL, never KEYS or FLUSH)
 * and resolves with the number deleted. Each pattern must contain at least 4 literal characters,
 * e.g. `*:s${shard}:*`, so a typo cannot wipe other tests' keys.
 */
export async function redisCleanup(patterns: readonly string[]): Promise<number> {
  for (const pattern of patterns) {
    if (pattern.replace(GLOB, '').length < 4) {
      throw new Error(`redisCleanup: pattern '${pattern}' is too broad (needs at least 4 literal characters)`);
    }
  }
  return withRedis(async (redis) => {
    let deleted = 0;
    for (const pattern of patterns) {
      for await (const keys of redis.scanIterator({ MATCH: pattern, COUNT: 1000 })) {
        if (keys.length > 0) deleted += await redis.del(keys);
      }
    }
    return deleted;
  });
}

/** The Redis keys matching `patterns` (see `redisCleanup`), as a namespace for `releaseNamespace`. */
export function redisKeysNamespace(patterns: readonly string[]): TestNamespace {
  return {
    kind: 'Redis keys',
    name: patterns.join(' '),
    inspect: patterns.length === 1
      ? `redis-cli --scan --pattern '${patterns[0]}'`
      : `for p in ${patterns.map((pattern) => `'${pattern}'`).join(' ')}; do redis-cli --scan --pattern "$p"; done`,
    remove: async () => {
      await redisCleanup(patterns);
    },
  };
}

export interface ZkChroot {
  /** Absolute path of the chroot, `/test/<id>`. */
  readonly path: string;
  /** Connection string with the chroot: `127.0.0.1:2181/test/<id>`. */
  readonly connectString: string;
  /**
   * Removes the chroot and everything below it, unless the test or suite running this cleanup
   * failed: then it is kept and named in the failure (test/support/namespace-keeper.ts). Idempotent.
   */
  remove(): Promise<ReleaseOutcome>;
}

/** Creates `/test/<id>` in ZooKeeper and returns it with a recursive remove. */
export async function zkChroot(): Promise<ZkChroot> {
  const path = `/test/${uniqueInProcess(() => randomAlnum(12))}`;
  await withZk((zk) => zk.mkdirp(path));
  return {
    path,
    connectString: `${testEnv().zookeeper.connectString}${path}`,
    remove: releaseOnce(zkChrootNamespace(path)),
  };
}

/** A ZooKeeper path of the test ZooKeeper and everything below it, as a namespace for `releaseNamespace`. */
export function zkChrootNamespace(path: string): TestNamespace {
  return {
    kind: 'ZooKeeper chroot',
    name: path,
    inspect: `/usr/share/zookeeper/bin/zkCli.sh -server ${testEnv().zookeeper.connectString} ls -R ${path}`,
    remove: () => withZk((zk) => zk.removeRecursive(path)),
  };
}
