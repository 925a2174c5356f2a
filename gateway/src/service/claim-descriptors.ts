/**
 * Claim descriptors `<hostname>:<THRIFT_PORT>:<serverStartMillis>:<source>:<n>` with a per-server
 * counter whose first value is 1 (FACTS §4.2).
 */
export class ClaimDescriptors {
  private counter = 0;

  constructor(
    private readonly hostname: string,
    private readonly thriftPort: number,
    private readonly serverStartMillis: number,
  ) {}

  next(source: string): string {
    this.counter += 1;
    return `${this.hostname}:${this.thriftPort}:${this.serverStartMillis}:${source}:${this.counter}`;
  }
}
