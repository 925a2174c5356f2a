/**
 * PinLater's queue config file (FACTS §3.7), parsed with the strictness of Jackson 1.9's defaults
 * as PinLaterQueueConfig.QueueConfigSchema declares them:
 *  - root and queue entries: unknown properties fail the parse;
 *  - `queueConfig`: unknown properties are ignored (`@JsonIgnoreProperties(ignoreUnknown = true)`);
 *  - `maxJobsPerSecond` is a Java `double`: absent or null → 0.0 (which pauses the queue);
 *  - a queue without `queueConfig` would NullPointerException in PinLater's rebuild → rejected here;
 *  - duplicate queue names make PinLater's ImmutableMap builder throw → rejected here.
 * `queues` absent, null or empty is valid and means "keep the current limits".
 */
export interface QueueConfigSchema {
  queues: { name: string; maxJobsPerSecond: number }[] | null;
}

export class QueueConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueueConfigError';
  }
}

export function parseQueueConfig(text: string): QueueConfigSchema {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new QueueConfigError(`queue config is not valid JSON: ${(e as Error).message}`);
  }
  if (json === null) return { queues: null };
  const root = asObject(json, 'root');
  rejectUnknown(root, ['queues'], 'root');
  if (root.queues === undefined || root.queues === null) return { queues: null };
  if (!Array.isArray(root.queues)) throw new QueueConfigError('"queues" must be an array');
  const queues = root.queues.map((q, i) => parseQueue(q, i));
  const seen = new Set<string>();
  for (const q of queues) {
    if (seen.has(q.name)) throw new QueueConfigError(`duplicate queue name "${q.name}"`);
    seen.add(q.name);
  }
  return { queues };
}

function parseQueue(value: unknown, index: number): { name: string; maxJobsPerSecond: number } {
  const where = `queues[${index}]`;
  const q = asObject(value, where);
  rejectUnknown(q, ['name', 'queueConfig'], where);
  if (typeof q.name !== 'string' && typeof q.name !== 'number') throw new QueueConfigError(`${where}.name must be a string`);
  const config = asObject(q.queueConfig, `${where}.queueConfig`);
  return { name: String(q.name), maxJobsPerSecond: toDouble(config.maxJobsPerSecond, `${where}.queueConfig.maxJobsPerSecond`) };
}

function toDouble(value: unknown, where: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw new QueueConfigError(`${where} must be a number`);
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new QueueConfigError(`${where} must be an object`);
  }
  return value as Record<string, unknown>;
}

function rejectUnknown(obj: Record<string, unknown>, allowed: string[], where: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) throw new QueueConfigError(`${where}: unrecognized field "${key}"`);
  }
}
