/**
 * The one place test code reads `process.env` (TEAM-NOTES: nothing else reads it).
 *
 * Services are fixed by the team rules: Redis, MariaDB and ZooKeeper on 127.0.0.1 with their
 * default ports and MariaDB's root user with an empty password (`bash scripts/services.sh start`).
 * The only variable is the log level for code under test: `test/support/jest-setup.ts` sets
 * `TEST_LOG_LEVEL` to `silent` unless the caller chose one (`TEST_LOG_LEVEL=debug npx jest ...`).
 */

export const SERVICE_HOST = '127.0.0.1';

export interface RedisEndpoint {
  readonly host: string;
  readonly port: number;
  readonly url: string;
}

export interface MysqlEndpoint {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
}

export interface ZookeeperEndpoint {
  readonly host: string;
  readonly port: number;
  /** `host:port`, the node-zookeeper-client connection string (append a chroot path as needed). */
  readonly connectString: string;
}

export interface TestEnv {
  /** Level for loggers created in tests; `silent` unless TEST_LOG_LEVEL says otherwise. */
  readonly logLevel: string;
  readonly redis: RedisEndpoint;
  readonly mysql: MysqlEndpoint;
  readonly zookeeper: ZookeeperEndpoint;
}

export const DEFAULT_TEST_LOG_LEVEL = 'silent';

/** The test environment, read afresh on each call (cheap; lets a test change TEST_LOG_LEVEL). */
export function testEnv(): TestEnv {
  return {
    logLevel: process.env.TEST_LOG_LEVEL ?? DEFAULT_TEST_LOG_LEVEL,
    redis: { host: SERVICE_HOST, port: 6379, url: `redis://${SERVICE_HOST}:6379` },
    mysql: { host: SERVICE_HOST, port: 3306, user: 'root', password: '' },
    zookeeper: { host: SERVICE_HOST, port: 2181, connectString: `${SERVICE_HOST}:2181` },
  };
}

/** Shorthand for `testEnv().logLevel`, for loggers built in tests. */
export function testLogLevel(): string {
  return testEnv().logLevel;
}

/**
 * Which conformance backend profiles to run (`test/conformance`), from `CONFORMANCE_BACKENDS`, a
 * comma-separated list of profile names such as `legacy-redis,legacy-mysql`. `undefined` (variable
 * unset or blank) means every profile.
 */
export function conformanceBackendFilter(): readonly string[] | undefined {
  const raw = process.env.CONFORMANCE_BACKENDS;
  if (raw === undefined || raw.trim() === '') return undefined;
  return raw.split(',').map((name) => name.trim()).filter((name) => name !== '');
}

/**
 * Which jest worker runs this test file (JEST_WORKER_ID: 1, 2, …; 1 when run in band), so workers
 * running at once can keep out of each other's way (free-port.ts).
 */
export function jestWorkerId(): number {
  const id = Number(process.env.JEST_WORKER_ID ?? '1');
  return Number.isInteger(id) && id >= 1 ? id : 1;
}
