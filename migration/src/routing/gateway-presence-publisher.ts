/**
 * Keeps one gateway's ephemeral presence node (`<root>/gateways/<id>`, gateway-presence.ts) in
 * step with what it serves: created on each new session (ephemerals die with their session),
 * updated when the applied table or limits version changes, created again if someone deleted it (anyone may:
 * routing-acl.ts). Written under the gateway's random per-process digest identity, so only this
 * process can change its node.
 */
import type { Logger } from '../../../core/src/logging/logger';
import type { DigestCredential } from '../../../core/src/zookeeper/zk-acl';
import type { ZkClient } from '../../../core/src/zookeeper/zk-client';
import { ZkCode, ZkError } from '../../../core/src/zookeeper/zk-error';
import { serializePresence, type GatewayPresence } from './gateway-presence';
import { gatewayPresenceAcl } from './routing-acl';

interface Published {
  readonly session: ZkClient;
  readonly version: number;
  readonly loaded: boolean;
  readonly limitsVersion: number | undefined;
}

export class PresencePublisher {
  private published: Published | undefined;

  constructor(
    private readonly path: string,
    /** The identity the session was authenticated with (`addAuth`) before `publish`. */
    private readonly identity: DigestCredential,
    private readonly logger: Logger,
  ) {}

  /** Makes the node say `presence` on session `zk` (a no-op when it already does). */
  async publish(zk: ZkClient, presence: GatewayPresence): Promise<void> {
    const p = this.published;
    const done: Published = { session: zk, version: presence.appliedVersion, loaded: presence.loaded, limitsVersion: presence.limitsVersion };
    if (p?.session === zk && p.version === done.version && p.loaded === done.loaded && p.limitsVersion === done.limitsVersion) return;
    if (p?.session !== zk || !(await this.update(zk, presence))) await this.create(zk, presence);
    this.published = done;
  }

  /** Deletes the node (for a source closing on a session that lives on). */
  async remove(zk: ZkClient): Promise<void> {
    if (this.published?.session !== zk) return;
    this.published = undefined;
    await deleteIfPresent(zk, this.path, -1);
  }

  /** False when the node is gone (someone deleted it). */
  private async update(zk: ZkClient, presence: GatewayPresence): Promise<boolean> {
    try {
      await zk.set(this.path, serializePresence(presence));
      return true;
    } catch (e) {
      if (ZkError.is(e, ZkCode.NO_NODE)) return false;
      throw e;
    }
  }

  private async create(zk: ZkClient, presence: GatewayPresence): Promise<void> {
    const data = serializePresence(presence);
    const acl = gatewayPresenceAcl(this.identity.digestId());
    try {
      await zk.create(this.path, data, 'ephemeral', acl);
      return;
    } catch (e) {
      if (!ZkError.is(e, ZkCode.NODE_EXISTS)) throw e;
    }
    const stat = await zk.exists(this.path);
    if (stat?.ephemeralOwner === zk.sessionId()) {
      await zk.set(this.path, data); // ours already (a create retried after a lost reply)
      return;
    }
    this.logger.warn({ path: this.path, owner: stat?.ephemeralOwner }, 'gateway presence node held by another session (an earlier session of ours, or a gateway with the same id): replacing it');
    if (stat) await deleteIfPresent(zk, this.path, stat.version);
    await zk.create(this.path, data, 'ephemeral', acl);
  }
}

async function deleteIfPresent(zk: ZkClient, path: string, version: number): Promise<void> {
  try {
    await zk.delete(path, version);
  } catch (e) {
    if (!ZkError.is(e, ZkCode.NO_NODE)) throw e;
  }
}
