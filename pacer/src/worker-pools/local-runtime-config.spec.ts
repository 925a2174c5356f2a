import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../core/src/config/parse-config';
import { DEFAULT_RESTART_POLICY } from './local-restart-policy';
import { loadLocalRuntimeConfig } from './local-runtime-config';

const argv = (...args: string[]): string[] => ['node', 'main.ts', ...args];

const spec = (queue: string, extra: object = {}): string => JSON.stringify({
  queue, image: 'registry.example.com/w:1', command: ['node', 'w.js'], resources: { requests: { cpu: '100m' } },
  minReplicas: 1, maxReplicas: 3, targetBacklogPerReplica: 10, scaleDownDelaySeconds: 60, concurrency: 2, ...extra,
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'local-runtime-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('no ConfigError');
}

describe('loadLocalRuntimeConfig', () => {
  it('reads the specs, with each pool at its minReplicas and the defaults', () => {
    mkdirSync(join(dir, 'specs'));
    writeFileSync(join(dir, 'specs', 'a.json'), spec('queue_a'));
    writeFileSync(join(dir, 'specs', 'b.json'), spec('queue_b', { minReplicas: 2 }));
    writeFileSync(join(dir, 'specs', 'notes.txt'), 'not a spec');
    const config = loadLocalRuntimeConfig(argv('--specs', 'specs', '--gateway', '127.0.0.1:9010'), dir);
    expect(config.specs.map((s) => s.queue)).toEqual(['queue_a', 'queue_b']);
    expect(config).toMatchObject({ gateway: '127.0.0.1:9010', statusPort: undefined, logDir: undefined, stopDeadlineMs: 20_000, logLevel: 'info', policy: DEFAULT_RESTART_POLICY });
    expect([...config.replicas]).toEqual([['queue_a', 1], ['queue_b', 2]]);
  });

  it('applies --replicas to every pool and --pool-replicas to one; resolves paths against the working directory', () => {
    writeFileSync(join(dir, 'a.json'), spec('queue_a'));
    writeFileSync(join(dir, 'b.json'), spec('queue_b'));
    const config = loadLocalRuntimeConfig(
      argv('--specs', '.', '--gateway', 'localhost:1', '--replicas', '3', '--pool-replicas', 'queue_b=0', '--log-dir', 'logs', '--status-port', '0', '--stop-deadline', '1.5'),
      dir,
    );
    expect([...config.replicas]).toEqual([['queue_a', 3], ['queue_b', 0]]);
    expect(config).toMatchObject({ specsDir: dir, workdir: dir, logDir: join(dir, 'logs'), statusPort: 0, stopDeadlineMs: 1500 });
  });

  it('names every problem at once: flags and every problem of every spec file', () => {
    writeFileSync(join(dir, 'a.json'), spec('queue_a', { maxReplicas: 0 }));
    writeFileSync(join(dir, 'bad.json'), spec('bad-name', { minReplicas: 5 }));
    const problems = problemsOf(() => loadLocalRuntimeConfig(
      argv('--specs', '.', '--gateway', 'nohost', '--stop-deadline', '0', '--pool-replicas', 'queue_a=2'),
      dir,
    ));
    expect(problems).toEqual([
      '--gateway: host:port with a port 1-65535, e.g. 127.0.0.1:9010',
      expect.stringMatching(/^--stop-deadline: /),
      `${join(dir, 'a.json')}: maxReplicas: Too small: expected number to be >=1`,
      `${join(dir, 'a.json')}: minReplicas: minReplicas must not exceed maxReplicas`,
      `${join(dir, 'bad.json')}: queue: a PinLater queue name: letters, digits and _`,
      `${join(dir, 'bad.json')}: minReplicas: minReplicas must not exceed maxReplicas`,
    ]);
  });

  it('names a command given as a path that does not exist (a bare name is looked up in PATH when run)', () => {
    writeFileSync(join(dir, 'a.json'), spec('queue_a', { localCommand: ['./missing-bin', 'x'] }));
    writeFileSync(join(dir, 'b.json'), spec('queue_b', { command: ['no-such-program-in-path'] }));
    expect(problemsOf(() => loadLocalRuntimeConfig(argv('--specs', '.', '--gateway', 'h:1'), dir))).toEqual([
      `${join(dir, 'a.json')}: localCommand: ./missing-bin does not exist (relative to ${dir})`,
    ]);
  });

  it('rejects an override for a queue without a pool', () => {
    writeFileSync(join(dir, 'a.json'), spec('queue_a'));
    expect(problemsOf(() => loadLocalRuntimeConfig(argv('--specs', '.', '--gateway', 'h:1', '--pool-replicas', 'queue_z=2', '--pool-replicas', 'queue_a=999'), dir))).toEqual([
      '--pool-replicas queue_z=2: no pool spec for queue queue_z (pools: queue_a)',
      '--pool-replicas queue_a=999: replicas must be 0-64',
    ]);
  });

  it('gives each local replica its own status port (statusPort + index): refuses ports beyond 65535 or taken twice', () => {
    writeFileSync(join(dir, 'a.json'), spec('queue_a', { statusPort: 9100, minReplicas: 3 }));
    writeFileSync(join(dir, 'b.json'), spec('queue_b', { statusPort: 9102 }));
    writeFileSync(join(dir, 'c.json'), spec('queue_c', { statusPort: 65_535, minReplicas: 2 }));
    writeFileSync(join(dir, 'd.json'), spec('queue_d', { statusPort: 9200 }));
    expect(problemsOf(() => loadLocalRuntimeConfig(argv('--specs', '.', '--gateway', 'h:1', '--status-port', '9200'), dir))).toEqual([
      `${join(dir, 'b.json')}: statusPort: its local replica takes port 9102, and ${join(dir, 'a.json')} (queue_a) has 9102`,
      `${join(dir, 'c.json')}: statusPort: 2 local replicas take ports 65535-65536 (statusPort + the replica's index), beyond 65535`,
      `${join(dir, 'd.json')}: statusPort: its local replica takes port 9200, and --status-port has 9200`,
    ]);
    const config = loadLocalRuntimeConfig(argv('--specs', '.', '--gateway', 'h:1', '--pool-replicas', 'queue_a=2', '--pool-replicas', 'queue_c=1'), dir);
    expect([...config.replicas]).toEqual([['queue_a', 2], ['queue_b', 1], ['queue_c', 1], ['queue_d', 1]]);
  });

  it('says when the spec directory is missing or empty', () => {
    expect(problemsOf(() => loadLocalRuntimeConfig(argv('--specs', 'nope', '--gateway', 'h:1'), dir))).toEqual([`${join(dir, 'nope')}: cannot read the pool spec directory (ENOENT)`]);
    expect(problemsOf(() => loadLocalRuntimeConfig(argv('--specs', '.', '--gateway', 'h:1'), dir))).toEqual([`${dir}: no pool specs (*.json)`]);
  });
});
