/**
 * Public entry point of the legacy adapter: PinLater's own Redis and MySQL layouts behind the
 * `PinLaterBackend` contract. Other folders import only from here.
 */
export { createLegacyRedisBackend } from './src/redis/create-redis-backend';
export { createLegacyMysqlBackend } from './src/mysql/create-mysql-backend';
