/**
 * The wiring seam between the Helix participant and a dequeue broker: OnlineOffline transitions
 * drive the broker's `PartitionOwnership`. OFFLINE→ONLINE = `assign` (the datastore bumps the
 * partition's owner epoch, so a stale owner's claims are rejected); ONLINE→OFFLINE = `release`.
 * A disconnection suspends serving (nothing released) until the same session reconnects.
 * On session loss every owned partition is released at once: `release` stops serving
 * synchronously (before its first await), the datastore part finishes in the background.
 */
import type { Logger } from '../../../core/src/logging/logger';
import { coerceError } from '../../../core/src/errors/coerce-error';
import type { PartitionOwnership } from '../interfaces/partition-ownership';
import type { PartitionStateHandler } from './partition-state-handler';

export class OwnershipStateHandler implements PartitionStateHandler {
  constructor(
    private readonly ownership: PartitionOwnership,
    private readonly logger: Logger,
  ) {}

  async onBecomeOnline(queue: string, partition: number): Promise<void> {
    const epoch = await this.ownership.assign(queue, partition);
    this.logger.info({ queue, partition, epoch }, 'partition ONLINE');
  }

  async onBecomeOffline(queue: string, partition: number): Promise<void> {
    await this.ownership.release(queue, partition);
    this.logger.info({ queue, partition }, 'partition OFFLINE');
  }

  onSessionSuspended(): void {
    this.ownership.suspend();
  }

  onSessionResumed(): void {
    this.ownership.resume();
  }

  onSessionLost(): void {
    for (const key of this.ownership.owned().keys()) {
      const at = key.lastIndexOf('/');
      const queue = key.slice(0, at);
      const partition = Number(key.slice(at + 1));
      this.ownership.release(queue, partition).catch((e: unknown) =>
        this.logger.warn({ err: coerceError(e), queue, partition }, 'release after session loss failed'),
      );
    }
    // Everything held is released (dropped synchronously); what the new session is given is served.
    this.ownership.resume();
  }
}
