import type { z } from 'zod';

/**
 * A configuration that does not validate: every problem at once, one per line, each naming where
 * it is (`mysql.port: …`, `PACER_BROKER_PORT: …`), so an operator fixes them in one pass.
 */
export class ConfigError extends Error {
  constructor(
    readonly what: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid ${what}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * The one way a process validates its configuration: a zod schema (defaults, ranges, the tagged
 * unions of modes) applied once at startup, turning every issue into a line of one `ConfigError`.
 * The result is the typed, validated config the rest of the process receives; nothing else reads
 * `process.env` or the raw JSON.
 */
export function parseConfig<S extends z.ZodType>(what: string, schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ConfigError(what, result.error.issues.map(describeIssue));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.map(String).join('.');
  return where === '' ? issue.message : `${where}: ${issue.message}`;
}
