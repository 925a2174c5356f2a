/**
 * `local stop` of one process: SIGTERM to its process group (the pid in its pid file is the group
 * id), a wait of up to the timeout for every process of the group to exit (a broker hands its
 * partitions off first), then SIGKILL to the group; the pid file is removed once the group is
 * gone. A group whose leader died but whose children live on (orphaned) is stopped the same way.
 * Not running: its stale pid file is removed; a port held by a process it did not start is left
 * alone (and said so).
 */
import { outcome, type LocalControlOutcome, type LocalWait } from './local-control-outcome';
import { groupAlive, signalGroup, waitGroupGone } from './local-process-group';
import { describePidFile } from './local-process-state';
import type { LocalProcessEntry } from './local-process-table';
import { portListening } from './local-port-probe';
import type { LocalSetup } from './local-setup';

/** How long the group may take to go after SIGKILL. */
const KILL_WAIT_MS = 5000;

export async function stopLocalProcess(setup: LocalSetup, entry: LocalProcessEntry, wait: LocalWait): Promise<LocalControlOutcome> {
  const base = { name: entry.name, step: 'stop' as const, port: entry.port, log: setup.runDir.logFile(entry.name) };
  const content = setup.runDir.readPid(entry.name);
  if (content.kind !== 'pid' || !groupAlive(content.pid)) {
    setup.runDir.removePid(entry.name);
    const foreign = (await portListening(entry.port)) ? `; :${entry.port} is in use by a process it did not start, left alone` : '';
    return outcome(base, 'not running', `not running (${describePidFile(content)})${foreign}`);
  }
  const pid = content.pid;
  const t0 = Date.now();
  const took = (): string => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  signalGroup(pid, 'SIGTERM');
  if (await waitGroupGone(pid, wait.timeoutMs, wait.checkpoint)) {
    setup.runDir.removePid(entry.name);
    return outcome(base, 'stopped', `stopped: SIGTERM to process group ${pid}, gone after ${took()}`, { pid });
  }
  signalGroup(pid, 'SIGKILL');
  if (await waitGroupGone(pid, KILL_WAIT_MS)) {
    setup.runDir.removePid(entry.name);
    return outcome(base, 'stopped', `stopped: SIGTERM to process group ${pid}, still running after ${wait.timeoutMs / 1000} s, SIGKILL, gone after ${took()}`, { pid });
  }
  return outcome(base, 'failed', `process group ${pid} still has processes after SIGTERM and SIGKILL (${took()}); its pid file is kept`, { pid });
}
