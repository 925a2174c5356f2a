/**
 * What other clients of a Redis experience while a test runs something against it:
 *
 *   const probe = await RedisPingProbe.start();   // PINGs back to back from a child process
 *   await somethingHeavy();
 *   const { maxMs, samples } = await probe.stop(); // slowest round trip seen
 *
 * The probe is its own process, so the test's own work (decoding a large Thrift reply, say)
 * cannot stall it and pass for a slow Redis. And which of the commands that touched a namespace
 * Redis itself timed as slow (SLOWLOG, which logs commands slower than `slowlog-log-slower-than`,
 * 10 ms by default): a script that blocks Redis shows up there with its exact execution time,
 * whatever the machine's load.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import type { TestRedisClient } from '../../support/redis';
import { testEnv } from '../../support/test-env';

/** The child: connect, say "ready", PING until stdin says stop, print {maxMs, samples}. */
const PROBE = `
const { createClient } = require(process.argv[1]);
(async () => {
  const client = createClient({ url: process.argv[2] });
  client.on('error', () => undefined);
  await client.connect();
  let running = true;
  let maxMs = 0;
  let samples = 0;
  process.stdin.on('data', () => { running = false; });
  process.stdout.write('ready\\n');
  while (running) {
    const start = performance.now();
    await client.ping();
    maxMs = Math.max(maxMs, performance.now() - start);
    samples++;
    await new Promise((resolve) => setImmediate(resolve));
  }
  await client.close();
  process.stdout.write(JSON.stringify({ maxMs, samples }) + '\\n');
})();
`;

export class RedisPingProbe {
  private out = '';
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.on('data', (d: Buffer) => (this.out += d.toString()));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static async start(url = testEnv().redis.url): Promise<RedisPingProbe> {
    const child = spawn(process.execPath, ['-e', PROBE, require.resolve('redis'), url], { stdio: ['pipe', 'pipe', 'inherit'] });
    const probe = new RedisPingProbe(child);
    await probe.waitFor((out) => out.includes('ready'));
    return probe;
  }

  private async waitFor(done: (out: string) => boolean): Promise<void> {
    const started = Date.now();
    while (!done(this.out)) {
      if (this.child.exitCode !== null) throw new Error(`redis probe exited: ${this.out}`);
      if (Date.now() - started > 10_000) throw new Error('redis probe did not start within 10 s');
      await sleep(10);
    }
  }

  async stop(): Promise<{ maxMs: number; samples: number }> {
    this.child.stdin?.end('stop');
    await this.exited;
    const line = this.out.split('\n').find((l) => l.startsWith('{'));
    if (line === undefined) throw new Error(`redis probe printed no result: ${this.out}`);
    return JSON.parse(line) as { maxMs: number; samples: number };
  }
}

export interface SlowCommand {
  durationMs: number;
  command: string;
}

/** SLOWLOG entries logged since `sinceUnixSeconds` whose arguments mention `marker` (e.g. a shard name). */
export async function slowCommandsMentioning(redis: TestRedisClient, marker: string, sinceUnixSeconds: number): Promise<SlowCommand[]> {
  const entries = (await redis.sendCommand(['SLOWLOG', 'GET', '128'])) as Array<[number, number, number, string[]]>;
  return entries
    .filter(([, at, , args]) => at >= sinceUnixSeconds && args.some((a) => a.includes(marker)))
    .map(([, , micros, args]) => ({ durationMs: micros / 1000, command: args.slice(0, 4).map((a) => a.slice(0, 60)).join(' ') }));
}
