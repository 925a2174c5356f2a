/**
 * One replica of a local worker pool: a child process (the pool spec's `localCommand ?? command`)
 * supervised like a Kubernetes container with `restartPolicy: Always` (local-restart-policy.ts).
 *
 * - The child runs in its own process group (`detached`, i.e. setsid), stdin closed, its stdout
 *   and stderr appended to the replica's log file (or inherited from the runtime).
 * - An exit, whatever its code, is restarted after the policy's backoff; the rest of the child's
 *   process group (anything it started and left behind) is killed first, so nothing leaks.
 * - `stop(deadline)`: SIGTERM to the child (as Kubernetes signals a container's main process; the
 *   worker SDK stops dequeuing, finishes or checkpoints its jobs and sends the final acks), then
 *   SIGKILL to its whole process group if it is not gone by the deadline.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { coerceError } from '../../../core/src/errors/coerce-error';
import type { Logger } from '../../../core/src/logging/logger';
import { systemClock, type Clock } from '../../../core/src/util/clock';
import { settleWithin } from '../../../core/src/util/settle-within';
import { RestartTracker, type RestartDecision, type RestartPolicySettings } from './local-restart-policy';

/** How long to wait for a child's exit after the SIGKILL of its group (the kernel is quick). */
const KILL_WAIT_MS = 5000;

export type ReplicaState = 'running' | 'restarting' | 'crash-looping' | 'stopping' | 'stopped';

export interface ReplicaExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** When the child could not be started at all (command not found, log file not writable). */
  readonly error?: string;
  readonly at: string;
}

export interface ReplicaStatus {
  readonly index: number;
  readonly state: ReplicaState;
  /** The child's pid while it runs. */
  readonly pid: number | null;
  /** Starts after the first. */
  readonly restarts: number;
  readonly consecutiveExits: number;
  readonly lastExit: ReplicaExit | null;
  /** How long the current child has run. */
  readonly uptimeMs: number | null;
  /** When waiting to restart: how long until the next start. */
  readonly nextStartInMs: number | null;
  readonly logFile: string | null;
}

export interface LocalReplicaOptions {
  readonly queue: string;
  readonly pool: string;
  readonly index: number;
  /** argv[0] is the program (resolved against `cwd` and PATH), the rest its arguments. */
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Appended to; `undefined`: the child inherits the runtime's stdout and stderr. */
  readonly logFile: string | undefined;
  readonly policy: RestartPolicySettings;
  readonly logger: Logger;
  readonly clock?: Clock;
}

export interface ReplicaStopResult {
  readonly index: number;
  /** Exited on its own within the deadline (or was not running). */
  readonly graceful: boolean;
}

export class LocalReplica {
  private readonly tracker: RestartTracker;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private child: ChildProcess | undefined;
  private childExited: Promise<void> = Promise.resolve();
  private startedAt: number | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private nextStartAt: number | undefined;
  private starts = 0;
  private lastExit: ReplicaExit | null = null;
  private stopping = false;
  private stopped = false;

  constructor(private readonly options: LocalReplicaOptions) {
    this.tracker = new RestartTracker(options.policy);
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger.child({ queue: options.queue, pool: options.pool, replica: options.index });
  }

  /** Starts the child (once; later starts are the supervisor's). */
  start(): void {
    if (this.starts === 0 && !this.stopping) this.spawnChild();
  }

  status(): ReplicaStatus {
    const now = this.clock.nowMs();
    return {
      index: this.options.index,
      state: this.state(now),
      pid: this.child?.pid ?? null,
      restarts: Math.max(0, this.starts - 1),
      consecutiveExits: this.tracker.consecutiveExits(now),
      lastExit: this.lastExit,
      uptimeMs: this.child !== undefined && this.startedAt !== undefined ? now - this.startedAt : null,
      nextStartInMs: this.nextStartAt === undefined ? null : Math.max(0, this.nextStartAt - now),
      logFile: this.options.logFile ?? null,
    };
  }

  /** SIGTERM, then SIGKILL to the child's process group after `deadlineMs`; no restart after this. */
  async stop(deadlineMs: number): Promise<ReplicaStopResult> {
    this.stopping = true;
    this.cancelRestart();
    const pid = this.child?.pid;
    if (pid === undefined) return this.finishStop(true);
    this.logger.info({ pid, deadlineMs }, 'stopping worker replica: SIGTERM');
    signalProcess(pid, 'SIGTERM', this.logger);
    if (await settleWithin(this.childExited, deadlineMs)) return this.finishStop(true);
    this.logger.warn({ pid, deadlineMs }, `worker replica still running ${deadlineMs} ms after SIGTERM: SIGKILL to its process group`);
    signalProcess(-pid, 'SIGKILL', this.logger);
    if (!(await settleWithin(this.childExited, KILL_WAIT_MS))) this.logger.error({ pid }, 'worker replica did not exit after SIGKILL');
    return this.finishStop(false);
  }

  /** Synchronous last resort (the runtime's own exit): SIGKILL to the child's process group. */
  killNow(): void {
    this.stopping = true;
    this.cancelRestart();
    const pid = this.child?.pid;
    if (pid !== undefined) signalProcess(-pid, 'SIGKILL', this.logger);
  }

  private state(now: number): ReplicaState {
    if (this.stopped) return 'stopped';
    if (this.stopping) return 'stopping';
    if (this.tracker.isCrashLooping(now)) return 'crash-looping';
    return this.child === undefined ? 'restarting' : 'running';
  }

  private finishStop(graceful: boolean): ReplicaStopResult {
    this.stopped = true;
    return { index: this.options.index, graceful };
  }

  private spawnChild(): void {
    this.nextStartAt = undefined;
    this.starts += 1;
    const now = this.clock.nowMs();
    this.tracker.started(now);
    this.startedAt = now;
    let child: ChildProcess;
    try {
      child = this.spawnProcess();
    } catch (e) {
      this.onExit(undefined, { code: null, signal: null, error: coerceError(e).message });
      return;
    }
    this.child = child;
    let settle: () => void = () => undefined;
    this.childExited = new Promise<void>((resolve) => {
      settle = resolve;
    });
    let done = false;
    const exited = (exit: Omit<ReplicaExit, 'at'>): void => {
      if (done) return;
      done = true;
      this.onExit(child, exit);
      settle();
    };
    child.once('spawn', () => this.logger.info({ pid: child.pid, argv: this.options.argv, logFile: this.options.logFile }, 'worker replica started'));
    child.once('exit', (code, signal) => exited({ code, signal }));
    child.on('error', (err) => {
      if (child.pid === undefined) exited({ code: null, signal: null, error: err.message }); // never started
      else this.logger.warn({ err, pid: child.pid }, 'worker replica: child process error');
    });
  }

  private spawnProcess(): ChildProcess {
    const [program, ...args] = this.options.argv;
    if (program === undefined) throw new Error('empty command');
    const fd = this.options.logFile === undefined ? undefined : openSync(this.options.logFile, 'a');
    try {
      const stdio: StdioOptions = fd === undefined ? ['ignore', 'inherit', 'inherit'] : ['ignore', fd, fd];
      return spawn(program, args, { cwd: this.options.cwd, env: { ...this.options.env }, stdio, detached: true });
    } finally {
      if (fd !== undefined) closeSync(fd); // the child holds its own copy
    }
  }

  private onExit(child: ChildProcess | undefined, exit: Omit<ReplicaExit, 'at'>): void {
    const now = this.clock.nowMs();
    if (child !== undefined && this.child === child) this.child = undefined;
    // Whatever the child left in its process group (a grandchild it did not wait for) goes with it.
    if (child?.pid !== undefined) signalProcess(-child.pid, 'SIGKILL', this.logger);
    this.lastExit = { ...exit, at: new Date(now).toISOString() };
    this.startedAt = undefined;
    if (this.stopping) {
      this.logger.info({ exit: this.lastExit }, 'worker replica exited');
      return;
    }
    const decision = this.tracker.exited(now);
    this.logExit(decision);
    this.nextStartAt = now + decision.delayMs;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.stopping) this.spawnChild();
    }, decision.delayMs);
  }

  private logExit(decision: RestartDecision): void {
    const fields = { exit: this.lastExit, restartInMs: decision.delayMs, consecutiveExits: decision.consecutiveExits, logFile: this.options.logFile };
    const { pool, index } = this.options;
    if (decision.enteredCrashLoop) {
      const windowS = Math.round(this.options.policy.crashLoopWindowMs / 1000);
      this.logger.error(
        { ...fields, state: 'crash-looping', exitsInWindow: decision.exitsInWindow },
        `worker pool ${pool} replica ${index} is CRASH-LOOPING: ${decision.exitsInWindow} exits within ${windowS} s; restarting it every ${decision.delayMs / 1000} s until a run lasts ${this.options.policy.stableAfterMs / 1000} s (its output: ${this.options.logFile ?? 'the runtime\'s own'})`,
      );
    } else if (decision.crashLooping) {
      this.logger.warn({ ...fields, state: 'crash-looping' }, `worker pool ${pool} replica ${index} exited again (crash-looping)`);
    } else {
      this.logger.warn({ ...fields, state: 'restarting' }, `worker pool ${pool} replica ${index} exited; restarting`);
    }
  }

  private cancelRestart(): void {
    if (this.restartTimer !== undefined) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.nextStartAt = undefined;
  }
}

/** `process.kill`, where "no such process" (it is gone already) is not a problem. */
function signalProcess(pid: number, signal: NodeJS.Signals, logger: Logger): void {
  try {
    process.kill(pid, signal);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') logger.warn({ err: coerceError(e), pid, signal }, 'could not signal a worker process');
  }
}
