/**
 * A throwaway ZooKeeper for fault tests (STACK.md recipe, standalone): its own data dir under the
 * OS temp dir and a free port on 127.0.0.1, so a test can kill it and start it again WITH THE SAME
 * DATA (sessions and ephemeral nodes survive a restart, as in production) without touching the
 * shared ZooKeeper on :2181. A small tickTime makes sessions expire quickly and on time: the
 * server checks expiry on tick boundaries, and the smallest session timeout it grants is 2 ticks.
 *
 *   const zk = new ScratchZooKeeper(await freePort(), { tickTimeMs: 250 });   // freePort: ./free-port
 *   await zk.start();   // ... await zk.kill(); ... await zk.start(); ...
 *   await zk.dispose(); // in afterAll: kills it, removes the data dir
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './eventually';

const CLASSPATH = ['/etc/zookeeper/conf', '/usr/share/java/zookeeper.jar', '/usr/share/java/slf4j-log4j12.jar', '/usr/share/java/log4j-1.2.jar'].join(':');
const START_TIMEOUT_MS = 30_000;

export interface ScratchZooKeeperOptions {
  /** ZooKeeper's tick; sessions are granted 2..20 ticks. Default 250 ms. */
  readonly tickTimeMs?: number;
  /** Prefix of the temp dir. */
  readonly label?: string;
  /** log4j level of the server log (`<dir>/log/zookeeper.out`). Default WARN. */
  readonly logLevel?: 'INFO' | 'WARN' | 'ERROR';
}

export class ScratchZooKeeper {
  readonly dir: string;
  readonly tickTimeMs: number;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private startedAt = 0;
  private readonly logLevel: string;

  constructor(readonly port: number, options: ScratchZooKeeperOptions = {}) {
    this.tickTimeMs = options.tickTimeMs ?? 250;
    this.logLevel = options.logLevel ?? 'WARN';
    this.dir = mkdtempSync(join(tmpdir(), `${options.label ?? 'scratch-zookeeper'}-`));
    mkdirSync(join(this.dir, 'data'));
    mkdirSync(join(this.dir, 'log'));
    writeFileSync(join(this.dir, 'zoo.cfg'), [
      `tickTime=${this.tickTimeMs}`, `dataDir=${join(this.dir, 'data')}`, `clientPort=${port}`, 'clientPortAddress=127.0.0.1',
      'maxClientCnxns=0', 'admin.enableServer=false', '4lw.commands.whitelist=ruok,srvr,stat,mntr,conf', '',
    ].join('\n'));
  }

  /** `127.0.0.1:<port>`, optionally with a chroot. */
  connectString(chroot = ''): string {
    return `127.0.0.1:${this.port}${chroot}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** When the current process answered `imok` (Date.now()); 0 when it is not running. */
  get readySinceMs(): number {
    return this.running ? this.startedAt : 0;
  }

  /** Starts the server on its data dir and resolves once it answers `ruok` (30 s bound). */
  async start(): Promise<void> {
    if (this.running) return;
    const out = openSync(join(this.dir, 'log', 'zookeeper.out'), 'a');
    const child = spawn('java', [
      '-Xmx128m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-cp', CLASSPATH,
      `-Dzookeeper.log.dir=${join(this.dir, 'log')}`, `-Dzookeeper.root.logger=${this.logLevel},CONSOLE`,
      'org.apache.zookeeper.server.quorum.QuorumPeerMain', join(this.dir, 'zoo.cfg'),
    ], { stdio: ['ignore', out, out] });
    closeSync(out);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    await eventually(async () => {
      if (!this.running) throw new Error(`ZooKeeper on :${this.port} exited during start`);
      if ((await fourLetterWord(this.port, 'ruok')) !== 'imok') throw new Error('not ready');
    }, { timeoutMs: START_TIMEOUT_MS, intervalMs: 50 });
    this.startedAt = Date.now();
  }

  /** kill -9 (after SIGCONT, in case it was frozen); resolves when the process is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await this.exited;
  }

  signal(sig: NodeJS.Signals): void {
    if (this.running) this.child?.kill(sig);
  }

  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Sends a four-letter word and resolves with the answer ('' when nothing answers within 1 s). */
export function fourLetterWord(port: number, word: string): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    const socket = connect(port, '127.0.0.1');
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(out.trim());
    };
    const timer = setTimeout(done, 1000);
    socket.on('connect', () => socket.write(word));
    socket.on('data', (d: Buffer) => (out += d.toString()));
    socket.on('close', done);
    socket.on('error', done);
  });
}
