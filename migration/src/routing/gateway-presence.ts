/**
 * What a live gateway publishes about itself in its ephemeral `<root>/gateways/<gateway-id>`
 * (routing-paths.ts): who it is, since when, and the routing table version it serves, so an
 * operator can tell when a change has reached every gateway (a gateway whose `appliedVersion` is
 * below the table version is behind). The node vanishes with the gateway's session; the gateway
 * re-creates it on its next session (zk-route-source.ts).
 *
 * `limitsVersion` (optional, added within format 1): the queue limits version the gateway applies
 * (`<root>/limits`, zk-limit-source.ts), absent until it has read the limits once, and from
 * gateways that do not apply ZooKeeper limits (older ones). `pinlater-ops limits show` calls
 * such a gateway behind. A CLI older than the field does not read presences carrying it (the
 * schema is strict): upgrade the CLI with the gateways.
 */
import { z } from 'zod';

export const PRESENCE_FORMAT = 1;

const presenceSchema = z.strictObject({
  format: z.literal(PRESENCE_FORMAT),
  gatewayId: z.string().min(1),
  host: z.string(),
  pid: z.number().int(),
  /** ISO-8601 instant the gateway process started. */
  startedAt: z.string(),
  /** The table version the gateway serves (0 before its first full read). */
  appliedVersion: z.number().int().min(0),
  /** False until the gateway read the table once (it serves nothing routed before). */
  loaded: z.boolean(),
  /** The queue limits version the gateway applies; absent before its first read of the limits, or when it applies none. */
  limitsVersion: z.number().int().min(0).optional(),
  /** ISO-8601 instant of this update. */
  updatedAt: z.string(),
});

export type GatewayPresence = z.output<typeof presenceSchema>;

export function serializePresence(presence: GatewayPresence): Buffer {
  return Buffer.from(JSON.stringify(presenceSchema.parse(presence)), 'utf8');
}

/** The presence, or undefined when the node's data is not one this version understands. */
export function parsePresence(data: Buffer): GatewayPresence | undefined {
  try {
    const result = presenceSchema.safeParse(JSON.parse(data.toString('utf8')));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
