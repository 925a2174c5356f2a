import { ConfigFileWatcher } from '../../../core/src/config/config-file-watcher';
import type { Logger } from '../../../core/src/logging/logger';
import type { Clock } from '../../../core/src/util/clock';
import { parseQueueConfig } from './queue-config-schema';
import { QueueRateLimits } from './queue-rate-limits';
import { countServers } from './serverset';

export interface RateLimitSettings {
  /** QUEUE_CONFIG_FILE_PATH resolved to a file; undefined → no limits. */
  queueConfigFile: string | undefined;
  /** SERVER_SET_PATH resolved, when SERVER_SET_ENABLED; undefined → one server. */
  serverSetFile: string | undefined;
  pollIntervalMs: number;
}

export interface RateLimiting {
  limits: QueueRateLimits;
  watchers: ConfigFileWatcher[];
  close(): Promise<void>;
}

/**
 * Initial synchronous load (a bad file aborts startup, as in PinLater) and hot reload by polling.
 */
export async function setUpRateLimiting(settings: RateLimitSettings, clock: Clock, logger: Logger): Promise<RateLimiting> {
  const limits = new QueueRateLimits(clock, logger, settings.queueConfigFile !== undefined);
  const watchers: ConfigFileWatcher[] = [];
  const watch = async (path: string, apply: (text: string) => void): Promise<void> => {
    const initial = await ConfigFileWatcher.read(path);
    apply(initial.content.toString('utf8'));
    watchers.push(new ConfigFileWatcher({ path, initial, intervalMs: settings.pollIntervalMs, onChange: (c) => apply(c.toString('utf8')), logger }));
  };
  if (settings.serverSetFile) await watch(settings.serverSetFile, (text) => limits.setServerCount(countServers(text)));
  if (settings.queueConfigFile) await watch(settings.queueConfigFile, (text) => limits.setQueueConfig(parseQueueConfig(text)));
  for (const w of watchers) await w.start();
  const close = async (): Promise<void> => {
    await Promise.all(watchers.map((w) => w.close()));
  };
  return { limits, watchers, close };
}
