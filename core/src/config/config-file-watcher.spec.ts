import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../../../test/support/eventually';
import { silentLogger } from '../logging/logger';
import { ConfigFileWatcher } from './config-file-watcher';

describe('ConfigFileWatcher', () => {
  let dir: string;
  let path: string;
  const open: ConfigFileWatcher[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'config-watch-'));
    path = join(dir, 'config.json');
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((w) => w.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  const write = (text: string, mtimeSec: number): void => {
    writeFileSync(path, text);
    utimesSync(path, mtimeSec, mtimeSec);
  };
  const watch = (onChange: (content: Buffer) => void | Promise<void>, options: { intervalMs?: number; withInitial?: boolean } = {}) =>
    (async () => {
      const watcher = new ConfigFileWatcher({
        path,
        ...(options.withInitial === false ? {} : { initial: await ConfigFileWatcher.read(path) }),
        intervalMs: options.intervalMs ?? 3_600_000,
        onChange,
        logger: silentLogger(),
      });
      open.push(watcher);
      return watcher;
    })();

  it('applies a change only when both the mtime and the content changed', async () => {
    write('a', 1000);
    const seen: string[] = [];
    const watcher = await watch((c) => {
      seen.push(c.toString());
    });
    expect(await watcher.poll()).toBe('unchanged');
    write('a', 2000); // same content, new mtime
    expect(await watcher.poll()).toBe('unchanged');
    write('b', 2000); // new content, same mtime as last seen
    expect(await watcher.poll()).toBe('unchanged');
    write('c', 3000);
    expect(await watcher.poll()).toBe('applied');
    expect(seen).toEqual(['c']);
  });

  it('reports a change that fails to apply once, keeps going, and applies the next edit', async () => {
    write('good', 1000);
    let applied = '';
    const watcher = await watch(async (c) => {
      if (c.toString().startsWith('bad')) throw new Error('parse error');
      applied = c.toString();
    });
    write('bad', 2000);
    expect(await watcher.poll()).toBe('rejected');
    expect(await watcher.poll()).toBe('unchanged'); // the bad version counts as seen
    write('better', 3000);
    expect(await watcher.poll()).toBe('applied');
    expect(applied).toBe('better');
    expect(watcher.outcomes()).toEqual({ unchanged: 1, applied: 1, rejected: 1, unreadable: 0 });
  });

  it('counts a missing file as unreadable and picks the file up again when it returns', async () => {
    write('a', 1000);
    const seen: string[] = [];
    const watcher = await watch((c) => {
      seen.push(c.toString());
    });
    rmSync(path);
    expect(await watcher.poll()).toBe('unreadable');
    write('b', 2000);
    expect(await watcher.poll()).toBe('applied');
    expect(seen).toEqual(['b']);
  });

  it('without an initial version takes the file at start() as applied, then polls on its timer', async () => {
    write('a', 1000);
    const seen: string[] = [];
    const watcher = await watch((c) => {
      seen.push(c.toString());
    }, { intervalMs: 20, withInitial: false });
    await watcher.start();
    await eventually(() => expect(watcher.outcomes().unchanged).toBeGreaterThanOrEqual(1));
    expect(seen).toEqual([]);
    write('b', 2000);
    await eventually(() => expect(seen).toEqual(['b']));
  });

  it('close() waits for a poll in progress', async () => {
    write('a', 1000);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered = false;
    let finished = false;
    const watcher = await watch(async () => {
      entered = true;
      await gate;
      finished = true;
    }, { intervalMs: 20 });
    await watcher.start();
    write('b', 2000);
    await eventually(() => expect(entered).toBe(true));
    let closed = false;
    const closing = watcher.close().then(() => (closed = true));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(finished).toBe(true);
    expect(watcher.outcomes().applied).toBe(1);
  });
});
