/**
 * Scenario `pacer-broker-down`: the local Pacer broker (`pacer-broker`, id local-1, :9020) dies.
 *
 * create: `kill -9` of its process group (the pid in .run/procs/pacer-broker.pid leads it: the tsx
 * wrapper and its node child die together, as when a machine is lost), then waits until every
 * signal the pages read shows the outage: local-1 no longer live in `pinlater-ops pacer status`
 * (its ZooKeeper session expired) and the Pacer gateway's `/health` (:9997) answering 503 (its
 * queues unowned for longer than the readiness grace period, docs/health.md).
 * restore: when the broker is still down, starts it again (`pinlater-ops local start
 * pacer-broker`), then waits until every partition is served and the Pacer gateway is ready.
 */
import { eventually } from '../../support/eventually';
import { pidOf, processAlive } from '../pid-file';
import { mustRepoShell, repoShell } from '../repo-shell';
import type { RunbookScenario } from '../runbook-scenario';

const BROKER = 'pacer-broker';
const BROKER_ID = 'local-1';
const PACER_STATUS = 'node bin/pinlater-ops.cjs pacer status --zk 127.0.0.1:2181 --cluster pacer';
const PACER_GATEWAY_HEALTH = 'http://127.0.0.1:9997/health';
/** ZooKeeper session timeout (6 s) + the readiness grace (5 s) + ticks and margin. */
const GONE_TIMEOUT_MS = 45_000;
const SERVED_TIMEOUT_MS = 90_000;

export function pacerBrokerDown(): RunbookScenario {
  return { create: killBroker, restore: restoreBroker };
}

async function killBroker(): Promise<void> {
  const pid = pidOf(BROKER);
  if (pid === undefined || !processAlive(pid)) throw new Error(`${BROKER} is not running (.run/procs/${BROKER}.pid): nothing to kill`);
  process.kill(-pid, 'SIGKILL');
  await eventually(async () => {
    if ((await liveBrokers()).includes(BROKER_ID)) throw new Error(`${BROKER_ID} is still live in the cluster`);
    const status = await healthStatus();
    if (status !== 503) throw new Error(`${PACER_GATEWAY_HEALTH} still answers ${status}`);
  }, { timeoutMs: GONE_TIMEOUT_MS, intervalMs: 500 });
}

async function restoreBroker(): Promise<void> {
  const pid = pidOf(BROKER);
  if (pid === undefined || !processAlive(pid)) await mustRepoShell(`node bin/pinlater-ops.cjs local start ${BROKER}`, 120);
  await eventually(async () => {
    const status = await repoShell(PACER_STATUS, 30);
    if (status.exitCode !== 0) throw new Error(`pacer status exit ${status.exitCode}:\n${status.output}`);
    const health = await healthStatus();
    if (health !== 200) throw new Error(`${PACER_GATEWAY_HEALTH} answers ${health}`);
  }, { timeoutMs: SERVED_TIMEOUT_MS, intervalMs: 1000 });
}

async function liveBrokers(): Promise<string[]> {
  const output = await repoShell(`${PACER_STATUS} --json --settle-ms 0`, 30);
  const doc = JSON.parse(output.output) as { liveInstances?: unknown };
  if (!Array.isArray(doc.liveInstances)) throw new Error(`pacer status --json without liveInstances: ${output.output}`);
  return doc.liveInstances.map(String);
}

async function healthStatus(): Promise<number> {
  return (await fetch(PACER_GATEWAY_HEALTH, { signal: AbortSignal.timeout(5000) })).status;
}
