/**
 * The local bring-up the runbooks run against: `bash scripts/up.sh` (idempotent: it leaves running
 * processes alone and starts the missing ones; UP_DEMO=1 adds the demo workload, traffic on
 * demo_redis, demo_mysql, demo_pacer and demo_shadow) and, only when this run started it,
 * `bash scripts/down.sh` at the end. "Started it" = no process of config/local-processes.conf had a
 * live pid file before up.sh ran: a bring-up a developer left running stays running. When up.sh
 * fails, what it started is stopped again (only then too).
 */
import { join } from 'node:path';
import { loadProcessTable } from '../../migration/src/cli/local-process-table';
import { pidFileAlive } from './pid-file';
import { mustRepoShell, REPO_ROOT } from './repo-shell';

const UP_TIMEOUT_SECONDS = 240;
const DOWN_TIMEOUT_SECONDS = 120;

export interface BringUp {
  /** True when no process was running before: `stop` then runs down.sh. */
  readonly startedHere: boolean;
  stop(): Promise<void>;
}

export function bringUpProcessNames(): string[] {
  return loadProcessTable(join(REPO_ROOT, 'config', 'local-processes.conf')).processes.map((p) => p.name);
}

export async function ensureBringUp(log: (line: string) => void): Promise<BringUp> {
  const running = bringUpProcessNames().filter((name) => pidFileAlive(name));
  const startedHere = running.length === 0;
  log(startedHere ? 'runbooks: starting the local bring-up (scripts/up.sh)' : `runbooks: bring-up already running (${running.join(', ')}); up.sh starts what is missing`);
  const stop = async (): Promise<void> => {
    if (!startedHere) return;
    log('runbooks: stopping the bring-up this run started (scripts/down.sh)');
    await mustRepoShell('bash scripts/down.sh', DOWN_TIMEOUT_SECONDS);
  };
  try {
    await mustRepoShell('UP_DEMO=1 bash scripts/up.sh', UP_TIMEOUT_SECONDS);
  } catch (e) {
    await stop(); // what up.sh started before it failed
    throw e;
  }
  return { startedHere, stop };
}
