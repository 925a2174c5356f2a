import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../../core/src/util/clock';
import { silentLogger } from '../../../core/src/logging/logger';
import { setUpRateLimiting } from './rate-limit-setup';

describe('queue config hot reload (setUpRateLimiting + ConfigFileWatcher)', () => {
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
    const rateLimiting = await setUpRateLimiting({ queueConfigFile: path, serverSetFile: undefined, pollIntervalMs: 3_600_000 }, systemClock, silentLogger());
    const { limits, watchers: [watcher] } = rateLimiting;
    if (watcher === undefined) throw new Error('no watcher for the queue config');
    expect(limits.allowDequeue('q', 1)).toBe(false);

    write(path, '{"queues":[{"name":"q","queueConfig":{"maxJobsPerSecond":0}}]}', 2000); // same md5
    expect(await watcher.poll()).toBe('unchanged');

    write(path, '{"queues": [broken', 3000);
    expect(await watcher.poll()).toBe('rejected');
    expect(limits.allowDequeue('q', 1)).toBe(false);

    write(path, '{"queues":[{"name":"q","queueConfig":{"maxJobsPerSecond":5}}]}', 4000);
    expect(await watcher.poll()).toBe('applied');
    expect(limits.allowDequeue('q', 1)).toBe(true);
    await rateLimiting.close();
  });

  it('aborts startup on a bad initial file, as PinLater does', async () => {
    const path = join(dir, 'queue_config.json');
    write(path, '{"queues": [broken', 1000);
    await expect(setUpRateLimiting({ queueConfigFile: path, serverSetFile: undefined, pollIntervalMs: 3_600_000 }, systemClock, silentLogger())).rejects.toThrow(/not valid JSON/);
  });
});
