/**
 * The runbooks' drill queues (`oncall_*`: empty queues the runnable blocks create, route and
 * inspect) as earlier runs left them. CI runs against the databases the session left but with a
 * ZooKeeper started fresh from the clone's empty .run/zookeeper, so a drill queue that a page moved
 * between systems (routing-a-queue.md: created on Pacer, routed to local-redis and back) is then
 * on two systems without a routing record: ambiguous, refused by the gateways, and `pinlater-ops
 * status` (the first block of several pages) exits 2. Before the pages run, each such drill queue
 * is routed back to Pacer, where the pages expect it (its other copies are empty; `route` counts
 * them and refuses otherwise). Queues outside the drills' `oncall_` namespace are never touched:
 * they are somebody's problem for the pages to show.
 */
import { mustRepoShell } from './repo-shell';

const DRILL_PREFIX = 'oncall_';
const OPS = 'PINLATER_ROUTING_CREDENTIAL_FILE=config/routing-operator.local.credential node bin/pinlater-ops.cjs --config config/routing.local.json';
const TIMEOUT_S = 60;

interface StatusJson {
  readonly ambiguous?: ReadonlyArray<{ readonly queue: string }>;
}

/** Drill queues `status --json` reports as ambiguous (status exits 2 when there are problems). */
export function ambiguousDrillQueues(statusJson: string): string[] {
  const status = JSON.parse(statusJson) as StatusJson;
  return (status.ambiguous ?? []).map((a) => a.queue).filter((q) => q.startsWith(DRILL_PREFIX) && /^[A-Za-z0-9_]+$/.test(q));
}

export async function settleDrillQueues(log: (line: string) => void): Promise<void> {
  const statusJson = await mustRepoShell(`${OPS} status --json 2>/dev/null || [ $? -eq 2 ]`, TIMEOUT_S);
  for (const queue of ambiguousDrillQueues(statusJson)) {
    log(`drill queue ${queue} is on several systems without a record (left by an earlier run): routing it to pacer`);
    await mustRepoShell(`${OPS} route ${queue} --to pacer --yes --by runbooks-test --reason "drill queue left by an earlier run" >/dev/null`, TIMEOUT_S);
  }
}
