/**
 * The state of one process of the local bring-up, from its pid file, its process group and its
 * port only (never the services or the other processes):
 *
 *   running        the pid file's process is alive (leading its group) and its port listens
 *   not listening  the process is alive but its port does not listen (starting, or hung)
 *   orphaned       the process is gone but its group is not (e.g. `kill -9` of the tsx wrapper
 *                  left the node child running): `local stop` or `local restart` ends the group
 *   port taken     not running, yet its port is in use by a process this table did not start
 *   stopped        not running, port free
 *   no entry       its entry file does not exist (a part not written yet; up.sh skips it)
 *
 * Every state but running and no entry is a problem (`local status` exits PROBLEMS).
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { renderUntrusted } from '../../../core/src/util/render-untrusted';
import { groupAlive, pidAlive } from './local-process-group';
import type { LocalProcessEntry } from './local-process-table';
import { portListening } from './local-port-probe';
import type { LocalRunDir, PidFileContent } from './local-run-dir';

export type LocalProcessStateName = 'running' | 'not listening' | 'orphaned' | 'port taken' | 'stopped' | 'no entry';

export interface LocalProcessState {
  readonly name: string;
  readonly state: LocalProcessStateName;
  /** The pid in the pid file (null: no pid file, or none usable in it). */
  readonly pid: number | null;
  /** That pid is alive and leads its process group (the process up.sh or `local start` started). */
  readonly pidAlive: boolean;
  /** Some process of the group `pid` is alive (the leader or its children). */
  readonly groupAlive: boolean;
  readonly port: number;
  readonly listening: boolean;
  readonly pidFile: string;
  readonly log: string;
  readonly hint: string;
  /** One line saying what was found. */
  readonly detail: string;
}

export function isProblemState(state: LocalProcessStateName): boolean {
  return state !== 'running' && state !== 'no entry';
}

/** Where an entry's entry file is: absolute, or relative to the root the processes run from. */
export function entryPath(root: string, entry: LocalProcessEntry): string {
  return isAbsolute(entry.entry) ? entry.entry : join(root, entry.entry);
}

export async function readProcessState(root: string, runDir: LocalRunDir, entry: LocalProcessEntry): Promise<LocalProcessState> {
  const content = runDir.readPid(entry.name);
  const pid = content.kind === 'pid' ? content.pid : null;
  const group = pid !== null && groupAlive(pid);
  const leader = group && pid !== null && pidAlive(pid);
  const listening = await portListening(entry.port);
  const state = stateOf({ leader, group, listening, entryExists: existsSync(entryPath(root, entry)) });
  return {
    name: entry.name, state, pid, pidAlive: leader, groupAlive: group, port: entry.port, listening,
    pidFile: runDir.pidFile(entry.name), log: runDir.logFile(entry.name), hint: entry.hint,
    detail: detailOf(state, content, entry, pid !== null && !group && pidAlive(pid)),
  };
}

function stateOf(s: { leader: boolean; group: boolean; listening: boolean; entryExists: boolean }): LocalProcessStateName {
  if (s.leader) return s.listening ? 'running' : 'not listening';
  if (s.group) return 'orphaned';
  if (s.listening) return 'port taken';
  return s.entryExists ? 'stopped' : 'no entry';
}

function detailOf(state: LocalProcessStateName, content: PidFileContent, entry: LocalProcessEntry, pidReused: boolean): string {
  const pid = content.kind === 'pid' ? content.pid : undefined;
  switch (state) {
    case 'running':
      return `pid ${pid}, listening on :${entry.port}`;
    case 'not listening':
      return `pid ${pid} is alive but nothing listens on :${entry.port} (starting, or hung: read its log)`;
    case 'orphaned':
      return `pid ${pid} is gone but its process group still has processes (e.g. the node child of tsx): pinlater-ops local restart ${entry.name}`;
    case 'port taken':
      return `not running (${describePidFile(content, pidReused)}), but :${entry.port} is in use by a process it did not start (ss -ltnp 'sport = :${entry.port}')`;
    case 'stopped':
      return `not running (${describePidFile(content, pidReused)}): pinlater-ops local start ${entry.name}`;
    case 'no entry':
      return `${entry.entry} does not exist (a part not written yet): not started`;
  }
}

/** What the pid file says about a process that is not running. */
export function describePidFile(content: PidFileContent, pidReused = false): string {
  if (content.kind === 'none') return 'no pid file';
  if (content.kind === 'invalid') return `pid file holds no pid: '${renderUntrusted(content.text, 40)}'`;
  return pidReused ? `pid ${content.pid} is gone; that pid now belongs to another process` : `pid ${content.pid} is gone`;
}
