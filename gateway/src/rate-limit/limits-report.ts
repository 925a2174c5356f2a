/**
 * What a gateway's admin port serves at `/limits` (docs/rate-limits.md): every queue with a
 * dequeue limit in force on THIS gateway, where it comes from, and the ZooKeeper limits version
 * it applies. `pinlater-ops limits show --gateways-admin` reads it (migration/src/cli/).
 */
export type LimitSourceName = 'zookeeper' | 'queue_config';

export interface QueueLimitInForce {
  readonly queue: string;
  readonly source: LimitSourceName;
  /** The configured rate for the whole fleet (null: a ZooKeeper pause without a rate). */
  readonly fleetMaxJobsPerSecond: number | null;
  /** What this gateway allows: the fleet rate divided by `dividedBy`; 0 when paused. */
  readonly perGatewayMaxJobsPerSecond: number;
  /** Gateways (ZooKeeper: live presences) or servers (queue_config: serverset lines) the rate is divided by. */
  readonly dividedBy: number;
  readonly paused: boolean;
  /** ZooKeeper limits only: the limit's own version and who changed it, when and why. */
  readonly recordVersion?: number;
  readonly changedBy?: string;
  readonly changedAt?: string;
  readonly reason?: string;
  /** A ZooKeeper limit that shadows queue_config.json's for the same queue: that one's fleet rate. */
  readonly overridesQueueConfig?: { readonly fleetMaxJobsPerSecond: number };
}

export interface LimitsReport {
  /** The routing gateway's id; null for a single-backend gateway. */
  readonly gatewayId: string | null;
  readonly zookeeper: {
    /** This gateway applies ZooKeeper limits (a routing gateway). */
    readonly enabled: boolean;
    readonly loaded: boolean;
    /** The limits version applied (null before the first read, or when disabled). */
    readonly limitsVersion: number | null;
    readonly gatewayCount: number | null;
    readonly invalidRecords: number;
    /** `<root>/limits` does not exist (`pinlater-ops setup` adds it). */
    readonly limitsNodeMissing: boolean;
  };
  readonly queueConfig: {
    /** QUEUE_CONFIG_FILE_PATH is set. */
    readonly enabled: boolean;
    /** Servers the file's rates are divided by (SERVER_SET_PATH lines, 1 without a serverset). */
    readonly serverCount: number;
  };
  /** Sorted by queue name. */
  readonly queues: readonly QueueLimitInForce[];
}
