/**
 * What one connection speaks (FACTS §1.2): plain framed binary Thrift until its client sends the
 * Finagle probe `__can__finagle__trace__v3__` and the server accepts it; TTwitter from then on (a
 * RequestHeader before every request message, a ResponseHeader before every reply). Each
 * connection owns one; the processor reads it for every frame and upgrades it when it answers the
 * probe. Frames of one connection are processed one after another, so the upgrade takes effect
 * exactly from the frame after the probe.
 */
export class ConnectionProtocol {
  private isUpgraded = false;

  /** `acceptsFinagleUpgrade` false: the probe is declined (EXCEPTION UNKNOWN_METHOD) and the client stays plain. */
  constructor(readonly acceptsFinagleUpgrade: boolean) {}

  get upgraded(): boolean {
    return this.isUpgraded;
  }

  upgrade(): void {
    this.isUpgraded = true;
  }
}
