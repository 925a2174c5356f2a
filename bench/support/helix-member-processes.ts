/**
 * Handles on Helix cluster members run as child processes by benchmarks: a bare participant
 * (pacer-participant-process.ts, accepts every transition) and a controller that reports its
 * ZooKeeper ops, CPU and counters on request (pacer-controller-process.ts). Each start resolves
 * once the member is in (participant: live; controller: leader), or rejects after `timeoutMs`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** What the controller process answers to `stats` (its counters beyond these pass through). */
export interface ControllerProcessStats {
  readonly reads: number;
  readonly writes: number;
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  readonly pipelineRuns: number;
  readonly rebalances: number;
  readonly messagesSent: number;
  readonly [counter: string]: number;
}

export interface MemberSpec {
  readonly connect: string;
  readonly cluster: string;
  readonly name: string;
  readonly sessionTimeoutMs: number;
  readonly timeoutMs: number;
  /** The tree the entry is started from (default: this process's working directory). */
  readonly cwd?: string;
  /** A controller's debug log (one line per pipeline run, with its phase times) is appended here. */
  readonly logFile?: string;
}

const STOP_GRACE_MS = 10_000;

function spawnMember(entry: string, spec: MemberSpec): ChildProcess {
  const args = ['--import', 'tsx', entry, spec.connect, spec.cluster, spec.name, String(spec.sessionTimeoutMs), ...(spec.logFile !== undefined ? [spec.logFile] : [])];
  const child = spawn(process.execPath, args, { cwd: spec.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[${spec.name}] ${d.toString()}`));
  return child;
}

/** Resolves on the first stdout line containing `marker`; rejects on exit or after `timeoutMs`. */
function waitForLine(child: ChildProcess, name: string, marker: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const timer = setTimeout(() => done(new Error(`${name}: no '${marker}' within ${timeoutMs} ms`)), timeoutMs);
    const onExit = (code: number | null): void => done(new Error(`${name} exited (${String(code)}) before '${marker}'`));
    const onLine = (line: string): void => {
      if (line.includes(marker)) done();
    };
    function done(error?: Error): void {
      clearTimeout(timer);
      lines.off('line', onLine);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    }
    lines.on('line', onLine);
    child.once('exit', onExit);
  });
}

class MemberProcess {
  readonly exited: Promise<void>;

  constructor(readonly name: string, protected readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** kill -9: its ZooKeeper session is left to expire. */
  async kill9(): Promise<void> {
    if (this.running()) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (a graceful leave), SIGKILL after a grace period. */
  async stop(): Promise<void> {
    if (!this.running()) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }
}

export class ParticipantProcess extends MemberProcess {
  /** Started; resolves once it is live (its LIVEINSTANCES node exists). */
  static async start(spec: MemberSpec): Promise<ParticipantProcess> {
    const member = new ParticipantProcess(spec.name, spawnMember('bench/support/pacer-participant-process.ts', spec));
    try {
      await waitForLine(member.child, spec.name, 'joined', spec.timeoutMs);
    } catch (e) {
      await member.kill9();
      throw e;
    }
    return member;
  }
}

export class ControllerProcess extends MemberProcess {
  private readonly replies: Array<(line: string) => void> = [];

  private constructor(name: string, child: ChildProcess) {
    super(name, child);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (line.startsWith('{')) this.replies.shift()?.(line);
    });
  }

  /** Started; resolves once it leads. */
  static async start(spec: MemberSpec): Promise<ControllerProcess> {
    const member = new ControllerProcess(spec.name, spawnMember('bench/support/pacer-controller-process.ts', spec));
    try {
      await waitForLine(member.child, spec.name, 'leader', spec.timeoutMs);
    } catch (e) {
      await member.kill9();
      throw e;
    }
    return member;
  }

  /** Its ZooKeeper ops, CPU and controller counters so far. */
  stats(timeoutMs = 10_000): Promise<ControllerProcessStats> {
    return new Promise((resolve, reject) => {
      const reply = (line: string): void => {
        clearTimeout(timer);
        resolve(JSON.parse(line) as ControllerProcessStats);
      };
      const timer = setTimeout(() => {
        this.replies.splice(this.replies.indexOf(reply), 1);
        reject(new Error(`${this.name}: no stats within ${timeoutMs} ms`));
      }, timeoutMs);
      this.replies.push(reply);
      this.child.stdin?.write('stats\n');
    });
  }
}
