/**
 * Reads typed values out of PinLater's server properties (FACTS §12), collecting every problem
 * instead of stopping at the first, so a config loader reports them all at once (ConfigError).
 * A missing value takes the fallback when one is given; otherwise it is a problem ("is required").
 */
export class PropertyReader {
  readonly problems: string[] = [];

  constructor(private readonly props: Map<string, string>) {}

  problem(message: string): void {
    this.problems.push(message);
  }

  int(key: string, o: { min?: number; max?: number; fallback?: number } = {}): number {
    const raw = this.props.get(key)?.trim();
    if (raw === undefined || raw === '') {
      if (o.fallback !== undefined) return o.fallback;
      this.problems.push(`${key} is required`);
      return 0;
    }
    const n = /^[+-]?\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(n) || (o.min !== undefined && n < o.min) || (o.max !== undefined && n > o.max)) {
      this.problems.push(`${key} must be an integer${o.min !== undefined ? ` >= ${o.min}` : ''}${o.max !== undefined ? ` <= ${o.max}` : ''}, got "${raw}"`);
      return o.fallback ?? 0;
    }
    return n;
  }

  /** Commons-configuration booleans: true/false/yes/no/on/off, case-insensitive. */
  bool(key: string, fallback?: boolean): boolean {
    const raw = this.props.get(key)?.trim().toLowerCase();
    if (raw === undefined || raw === '') {
      if (fallback !== undefined) return fallback;
      this.problems.push(`${key} is required`);
      return false;
    }
    if (['true', 'yes', 'on'].includes(raw)) return true;
    if (['false', 'no', 'off'].includes(raw)) return false;
    this.problems.push(`${key} must be true or false, got "${raw}"`);
    return false;
  }

  string(key: string): string {
    const raw = this.props.get(key)?.trim();
    if (!raw) this.problems.push(`${key} is required`);
    return raw ?? '';
  }

  /** The value exactly as written, or undefined when absent; never a problem. */
  raw(key: string): string | undefined {
    return this.props.get(key);
  }

  json(text: string): unknown {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      this.problems.push(`backend config is not valid JSON: ${(e as Error).message}`);
      return undefined;
    }
  }
}
