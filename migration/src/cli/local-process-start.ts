/**
 * `local start` of one process, as scripts/up.sh starts it but looking at nothing else (no
 * service, no other process): already running → said so; orphaned group, port in use or entry
 * file missing → refused; else its command runs detached in its own process group (setsid), from
 * the root, stdout and stderr appended to its log, its pid written to its pid file, and the start
 * waits until its port listens. A process that exits first, or does not listen in time, fails the
 * start with the log lines it wrote meanwhile; one that timed out is left running (as up.sh does).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { commandArgv } from './local-command-argv';
import { outcome, type LocalControlOutcome, type LocalWait } from './local-control-outcome';
import { groupAlive } from './local-process-group';
import { readProcessState, type LocalProcessState } from './local-process-state';
import type { LocalProcessEntry } from './local-process-table';
import { portListening } from './local-port-probe';
import { shownPath, type LocalSetup } from './local-setup';

/** Log lines shown with a failed start (up.sh shows 30). */
export const LOG_TAIL_LINES = 30;
const POLL_MS = 200;

type Exit = { readonly code: number | null; readonly signal: NodeJS.Signals | null } | { readonly error: Error };

/** A started child: `exited` is set the moment it ends (or fails to run); `exit` resolves then. */
interface Started {
  readonly child: ChildProcess;
  readonly exit: Promise<Exit>;
  readonly status: { exited?: Exit };
}

export async function startLocalProcess(setup: LocalSetup, entry: LocalProcessEntry, wait: LocalWait): Promise<LocalControlOutcome> {
  const state = await readProcessState(setup.root, setup.runDir, entry);
  const base = { name: entry.name, step: 'start' as const, port: entry.port, log: state.log };
  if (state.state === 'stopped') return spawnAndWait(setup, entry, wait);
  return outcome(base, state.state === 'running' || state.state === 'not listening' ? 'already running' : 'refused', notStartedBecause(setup, entry, state), { pid: state.pid });
}

function notStartedBecause(setup: LocalSetup, entry: LocalProcessEntry, s: LocalProcessState): string {
  switch (s.state) {
    case 'running':
      return `already running (pid ${s.pid}) on :${entry.port}`;
    case 'not listening':
      return `already running (pid ${s.pid}), not listening on :${entry.port} yet (log ${shownPath(setup, s.log)})`;
    case 'port taken':
      return `not started: port ${entry.port} is in use by a process this table did not start (ss -ltnp 'sport = :${entry.port}')`;
    default: // orphaned, no entry
      return `not started: ${s.detail}`;
  }
}

async function spawnAndWait(setup: LocalSetup, entry: LocalProcessEntry, wait: LocalWait): Promise<LocalControlOutcome> {
  const base = { name: entry.name, step: 'start' as const, port: entry.port, log: setup.runDir.logFile(entry.name) };
  const logStart = setup.runDir.logSize(entry.name);
  const tail = (): readonly string[] => setup.runDir.logTail(entry.name, LOG_TAIL_LINES, logStart);
  const started = spawnDetached(setup, entry);
  const { child, exit } = started;
  if (child.pid === undefined) {
    const why = await exit.then((e) => ('error' in e ? e.error.message : 'no pid'));
    return outcome(base, 'failed', `could not run ${entry.argv[0] ?? ''}: ${why}`);
  }
  const pid = child.pid;
  setup.runDir.writePid(entry.name, pid);
  try {
    const ready = await waitListening(entry.port, started.status, wait);
    if (ready === 'listening') return outcome(base, 'started', `started (pid ${pid}), listening on 127.0.0.1:${entry.port}, log ${shownPath(setup, base.log)}`, { pid });
    if (ready === 'timeout') {
      const message = `pid ${pid} is not listening on :${entry.port} after ${wait.timeoutMs / 1000} s; left running (pinlater-ops local stop ${entry.name}), log ${shownPath(setup, base.log)}`;
      return outcome(base, 'failed', message, { pid, logTail: tail() });
    }
    if (!groupAlive(pid)) setup.runDir.removePid(entry.name);
    return outcome(base, 'failed', `exited (${describeExit(ready)}) before listening on :${entry.port}, log ${shownPath(setup, base.log)}`, { pid, logTail: tail() });
  } finally {
    child.unref();
  }
}

/** The command, detached (its own session and process group), from the root, output appended to its log. */
function spawnDetached(setup: LocalSetup, entry: LocalProcessEntry): Started {
  const [file = '', ...args] = commandArgv(setup.root, entry.argv);
  const log = setup.runDir.openLogForAppend(entry.name);
  let child: ChildProcess;
  try {
    child = spawn(file, args, { cwd: setup.root, env: setup.env, detached: true, stdio: ['ignore', log, log] });
  } finally {
    closeSync(log); // the child has its own copy
  }
  const status: { exited?: Exit } = {};
  const exit = new Promise<Exit>((resolve) => {
    const ended = (e: Exit): void => resolve((status.exited ??= e));
    child.once('exit', (code, signal) => ended({ code, signal }));
    child.once('error', (error) => ended({ error }));
  });
  return { child, exit, status };
}

/** 'listening' once the port accepts connections; the exit when the process ends first; 'timeout'. */
async function waitListening(port: number, status: Started['status'], wait: LocalWait): Promise<'listening' | 'timeout' | Exit> {
  const deadline = Date.now() + wait.timeoutMs;
  for (;;) {
    if (status.exited !== undefined) return status.exited;
    if (await portListening(port)) return 'listening';
    if (status.exited !== undefined) return status.exited;
    if (Date.now() >= deadline) return 'timeout';
    wait.checkpoint();
    await sleep(POLL_MS);
  }
}

function describeExit(e: Exit): string {
  if ('error' in e) return e.error.message;
  return e.signal !== null ? `killed by ${e.signal}` : `exit code ${e.code}`;
}
