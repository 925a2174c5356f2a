import type { AliasResolver } from '../migration/move-ledger';
import type { JobInfo } from '../types/job';

/** Moves followed at most from a descriptor a client sent (docs/migration.md: a chain of at most 8). */
export const MAX_ALIAS_HOPS = 8;
/** Descriptors per `AliasResolver.resolve` call (its contract's bound). */
export const ALIAS_RESOLVE_BATCH = 1000;

/** Looks descriptors up on the systems that issued them; absent: not found there. */
export type DirectLookup = (descriptors: string[]) => Promise<Map<string, JobInfo>>;

/**
 * Where moved jobs are now (the migration copier's move ledger, core/src/migration/move-ledger.ts):
 * for each descriptor the direct lookup missed, the ledger's target is looked up on its own issuer;
 * a target that is not there either moved again (a rollback after a migration), so its own target
 * is followed, up to `maxHops` moves and never through a descriptor already visited (a cycle in
 * the ledger ends the chain). The answer is keyed by the descriptor as the client sent it; each
 * JobInfo is the job as it is now, its `descriptor` the current one. Descriptors never moved (or
 * whose chain ends nowhere) are absent, as for any lookup miss.
 */
export async function lookupThroughAliases(
  missed: readonly string[],
  aliases: AliasResolver,
  lookup: DirectLookup,
  maxHops = MAX_ALIAS_HOPS,
): Promise<Map<string, JobInfo>> {
  const found = new Map<string, JobInfo>();
  /** Per descriptor as sent: where its chain is now, and every descriptor of the chain so far. */
  let chains = new Map([...new Set(missed)].map((d) => [d, { at: d, visited: new Set([d]) }]));
  for (let hop = 1; hop <= maxHops && chains.size > 0; hop += 1) {
    const targets = await resolveBatched(aliases, [...new Set([...chains.values()].map((c) => c.at))]);
    const next = new Map<string, { at: string; visited: Set<string> }>();
    for (const [sent, chain] of chains) {
      const target = targets.get(chain.at);
      if (target === undefined || chain.visited.has(target)) continue; // never moved, or a cycle
      chain.visited.add(target);
      next.set(sent, { at: target, visited: chain.visited });
    }
    if (next.size === 0) break;
    const answers = await lookup([...new Set([...next.values()].map((c) => c.at))]);
    for (const [sent, chain] of next) {
      const info = answers.get(chain.at);
      if (info === undefined) continue;
      found.set(sent, info);
      next.delete(sent);
    }
    chains = next;
  }
  return found;
}

async function resolveBatched(aliases: AliasResolver, descriptors: readonly string[]): Promise<Map<string, string>> {
  const merged = new Map<string, string>();
  for (let i = 0; i < descriptors.length; i += ALIAS_RESOLVE_BATCH) {
    for (const [d, target] of await aliases.resolve(descriptors.slice(i, i + ALIAS_RESOLVE_BATCH))) merged.set(d, target);
  }
  return merged;
}
