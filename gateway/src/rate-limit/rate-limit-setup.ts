import type { Logger } from '../../../core/src/logging/logger';
import type { Clock } from '../../../core/src/util/clock';
import { FileWatcher } from './file-watcher';
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
  watchers: FileWatcher[];
  close(): void;
}

/**
 * Initial synchronous load (a bad file aborts startup, as in PinLater) and hot reload by polling.
 */
export async function setUpRateLimiting(settings: RateLimitSettings, clock: Clock, logger: Logger): Promise<RateLimiting> {
  const limits = new QueueRateLimits(clock);
  const watchers: FileWatcher[] = [];
  if (settings.serverSetFile) {
    const initial = await FileWatcher.readInitial(settings.serverSetFile);
    limits.setServerCount(countServers(initial.content.toString('utf8')));
    watchers.push(
      new FileWatcher(settings.serverSetFile, initial, settings.pollIntervalMs, (c) => limits.setServerCount(countServers(c.toString('utf8'))), logger),
    );
  }
  if (settings.queueConfigFile) {
    const initial = await FileWatcher.readInitial(settings.queueConfigFile);
    limits.setQueueConfig(parseQueueConfig(initial.content.toString('utf8')));
    watchers.push(
      new FileWatcher(settings.queueConfigFile, initial, settings.pollIntervalMs, (c) => limits.setQueueConfig(parseQueueConfig(c.toString('utf8'))), logger),
    );
  }
  for (const w of watchers) w.start();
  return { limits, watchers, close: () => watchers.forEach((w) => w.close()) };
}
