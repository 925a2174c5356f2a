import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../core/src/logging/logger';
import { FileWatcher } from './file-watcher';
import { parseQueueConfig } from './queue-config-schema';
import { QueueRateLimits } from './queue-rate-limits';

describe('FileWatcher + queue config hot reload', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'gw-watch-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (path: string, text: string, mtimeSec: number): void => {
    writeFileSync(path, text);
    utimesSync(path, mtimeSec, mtimeSec);
  };

  it('reloads on mtime+md5 change, keeps the old config on a parse error or unchanged content', async () => {
    const path = join(dir, 'queue_config.json');
    write(path, '{"queues":[{"name":"q","queueConfig":{"maxJobsPerSecond":0}}]}', 1000);
    const limits = new QueueRateLimits({ nowMs: () => 0 });
    const initial = await FileWatcher.readInitial(path);
    limits.setQueueConfig(parseQueueConfig(initial.content.toString()));
    let changes = 0;
    const watcher = new FileWatcher(path, initial, 10_000, (c) => {
      changes++;
      limits.setQueueConfig(parseQueueConfig(c.toString()));
    }, silentLogger());
    expect(limits.allowDequeue('q', 1)).toBe(false);

    write(path, '{"queues":[{"name":"q","queueConfig":{"maxJobsPerSecond":0}}]}', 2000); // same md5
    await watcher.poll();
    expect(changes).toBe(0);

    write(path, '{"queues": [broken', 3000);
    await watcher.poll();
    expect(changes).toBe(1);
    expect(limits.allowDequeue('q', 1)).toBe(false);

    write(path, '{"queues":[{"name":"q","queueConfig":{"maxJobsPerSecond":5}}]}', 4000);
    await watcher.poll();
    expect(limits.allowDequeue('q', 1)).toBe(true);
    watcher.close();
  });
});
