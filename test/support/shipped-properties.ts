/**
 * A gateway properties file for a test process: PinLater's shipped `config/<file>` with some keys
 * removed and others set, written as `key=value` lines (the same format the gateway reads).
 *
 *   writeShippedProperties(join(dir, 'gateway.properties'), 'redis.local.properties', { THRIFT_PORT: '0' }, ['QUEUE_CONFIG_FILE_PATH']);
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProperties } from '../../gateway/src/properties-file';

const CONFIG_DIR = join(__dirname, '..', '..', 'config');

/** Writes `config/<file>` to `path`, without the keys in `remove` and with `overrides` set (after removal). */
export function writeShippedProperties(path: string, file: string, overrides: Readonly<Record<string, string>>, remove: readonly string[] = []): void {
  const props = parseProperties(readFileSync(join(CONFIG_DIR, file), 'utf8'));
  for (const key of remove) props.delete(key);
  for (const [k, v] of Object.entries(overrides)) props.set(k, v);
  writeFileSync(path, [...props].map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
}
