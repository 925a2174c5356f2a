/**
 * The recent mismatches of one queue, for inspection (Scientist keeps capped mismatch samples):
 * at most `capacity`, newest first, each value cut to `valueChars` characters. Values stay
 * unescaped (they are data): whoever renders them escapes them (shadow-report.ts).
 */
import type { FieldDifference } from './shadow-fields';
import type { MismatchSample, ShadowMethod } from './shadow-report';

export class MismatchSamples {
  private readonly samples: MismatchSample[] = [];

  constructor(private readonly capacity: number, private readonly valueChars: number) {}

  add(atMs: number, method: ShadowMethod, differences: readonly FieldDifference[]): void {
    this.samples.unshift({
      at: new Date(atMs).toISOString(),
      method,
      differences: differences.map((d) => ({ field: d.field, primary: this.cut(d.primary), candidate: this.cut(d.candidate) })),
    });
    if (this.samples.length > this.capacity) this.samples.length = this.capacity;
  }

  /** Newest first (a copy). */
  list(): MismatchSample[] {
    return [...this.samples];
  }

  private cut(value: string): string {
    return value.length > this.valueChars ? `${value.slice(0, this.valueChars)}…(${value.length} chars)` : value;
  }
}
