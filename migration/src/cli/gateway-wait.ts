/**
 * Waiting for the live gateways to apply a routing table version: each publishes the version it
 * applied in its presence node (gateway-presence.ts), normally within a second of a change. Used
 * by `finalize` before it ends the copier's late-write sweeps, and by the commands leaving shadow
 * mode (`shadow stop`, `migrate start` from shadow) before they remove the shadow copies.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { GatewayPresence } from '../routing/gateway-presence';
import type { RoutingStore } from '../routing/routing-store';
import type { CliContext } from './cli-context';
import { field } from './output-format';

export interface GatewayWait {
  /** Every live gateway must have applied at least this table version. */
  readonly tableVersion: number;
  /** How long to wait before giving up (the gateways still behind are returned). */
  readonly timeoutMs: number;
  /** Default 100. */
  readonly pollMs?: number;
}

const POLL_MS = 100;

/**
 * Resolves with the live gateways still behind `tableVersion` (not loaded, or an older version
 * applied) after `timeoutMs`; empty as soon as none is. Says on stderr that it waits (once) when a
 * gateway is behind at the first read. A stop request (Ctrl-C) ends the wait.
 */
export async function waitForGateways(ctx: CliContext, store: RoutingStore, wait: GatewayWait): Promise<GatewayPresence[]> {
  const deadline = Date.now() + wait.timeoutMs;
  const pollMs = wait.pollMs ?? POLL_MS;
  for (let reads = 0; ; reads++) {
    const behind = gatewaysBehind(await store.gateways(), wait.tableVersion);
    if (behind.length === 0) return [];
    if (reads === 0) ctx.io.stderr.write(`Waiting up to ${wait.timeoutMs / 1000} s for gateway(s) ${behind.map((g) => field(g.gatewayId, 60)).join(', ')} to apply routing table version ${wait.tableVersion}.\n`);
    if (Date.now() + pollMs > deadline) return behind;
    ctx.interruption.checkpoint();
    await sleep(pollMs);
  }
}

export function gatewaysBehind(gateways: readonly GatewayPresence[], tableVersion: number): GatewayPresence[] {
  return gateways.filter((g) => !g.loaded || g.appliedVersion < tableVersion);
}

/** `gw-1 (applied 7), gw-2 (applied 6)`. */
export function describeBehind(behind: readonly GatewayPresence[]): string {
  return behind.map((g) => `${field(g.gatewayId, 60)} (applied ${g.appliedVersion})`).join(', ');
}
