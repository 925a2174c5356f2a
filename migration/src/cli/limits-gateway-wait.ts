/**
 * Which live gateways apply a queue limits version: each publishes the version it applied in its
 * presence node (`limitsVersion`, gateway-presence.ts), normally within a second of a change. A
 * presence without the field is a gateway that does not apply ZooKeeper limits (older, or not
 * loaded yet): behind. Used by the limit writes (`queue pause|unpause`, `limits set|clear`) and by
 * `limits show`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { GatewayPresence } from '../routing/gateway-presence';
import type { RoutingStore } from '../routing/routing-store';
import type { CliContext } from './cli-context';
import { field } from './output-format';

/** How long a limit write waits for the gateways by default (`--gateway-wait`). */
export const DEFAULT_LIMITS_WAIT_S = 10;

const POLL_MS = 100;
/** Gateways normally apply a change within a second: only a longer wait is worth a line on stderr. */
const SAY_AFTER_MS = 1000;

export type LimitsApplyState = 'applied' | 'behind' | 'not-applying';

export interface GatewayLimitsState {
  readonly gatewayId: string;
  readonly host: string;
  readonly pid: number;
  /** The limits version in its presence; null: it publishes none. */
  readonly limitsVersion: number | null;
  readonly state: LimitsApplyState;
}

/** Every live gateway against `limitsVersion`. */
export function gatewayLimitsStates(gateways: readonly GatewayPresence[], limitsVersion: number): GatewayLimitsState[] {
  return gateways.map((g) => ({
    gatewayId: g.gatewayId, host: g.host, pid: g.pid, limitsVersion: g.limitsVersion ?? null,
    state: g.limitsVersion === undefined ? 'not-applying' : g.limitsVersion >= limitsVersion ? 'applied' : 'behind',
  }));
}

/**
 * Polls the presences until every live gateway applied `limitsVersion`, or `timeoutMs` passed;
 * resolves with every gateway's state then. Says on stderr (once) that it waits, after a second. A stop request
 * (Ctrl-C) ends the wait.
 */
export async function waitForLimits(ctx: CliContext, store: RoutingStore, limitsVersion: number, timeoutMs: number): Promise<GatewayLimitsState[]> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  for (let said = false; ;) {
    const states = gatewayLimitsStates(await store.gateways(), limitsVersion);
    const behind = states.filter((s) => s.state !== 'applied');
    if (behind.length === 0) return states;
    if (!said && Date.now() - started >= SAY_AFTER_MS) {
      said = true;
      ctx.io.stderr.write(`Waiting up to ${timeoutMs / 1000} s for gateway(s) ${behind.map((g) => field(g.gatewayId, 60)).join(', ')} to apply queue limits version ${limitsVersion}.\n`);
    }
    if (Date.now() + POLL_MS > deadline) return states;
    ctx.interruption.checkpoint();
    await sleep(POLL_MS);
  }
}

/** `gw-1 (applied 7), gw-2 (no ZooKeeper limits)`. */
export function describeLimitsBehind(states: readonly GatewayLimitsState[]): string {
  return states
    .filter((s) => s.state !== 'applied')
    .map((s) => `${field(s.gatewayId, 60)} (${s.limitsVersion === null ? 'applies no ZooKeeper limits' : `applied ${s.limitsVersion}`})`)
    .join(', ');
}
