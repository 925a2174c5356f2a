/**
 * `limits show --gateways-admin host:port,…`: each gateway's own `/limits` (its admin port,
 * gateway/src/rate-limit/limits-report.ts), read over HTTP with a time and size bound and checked
 * against the fields the CLI prints (network input: nothing is trusted unread). One gateway that
 * does not answer is reported as such; the others are still shown.
 */
import { InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { coerceError } from '../../../core/src/errors/coerce-error';
import { boundedHttpGet, HttpGetTimeoutError } from '../../../core/src/util/bounded-http-get';

/** Per request: connect, answer and body. */
const TIMEOUT_MS = 3000;
const MAX_BODY_BYTES = 4 * 1024 * 1024;

const queueLimitSchema = z.object({
  queue: z.string(),
  source: z.enum(['zookeeper', 'queue_config']),
  fleetMaxJobsPerSecond: z.number().nullable(),
  perGatewayMaxJobsPerSecond: z.number(),
  dividedBy: z.number(),
  paused: z.boolean(),
  recordVersion: z.number().int().optional(),
  overridesQueueConfig: z.object({ fleetMaxJobsPerSecond: z.number() }).optional(),
});

const reportSchema = z.object({
  gatewayId: z.string().nullable(),
  zookeeper: z.object({ enabled: z.boolean(), loaded: z.boolean(), limitsVersion: z.number().int().nullable(), gatewayCount: z.number().int().nullable(), invalidRecords: z.number().int() }),
  queueConfig: z.object({ enabled: z.boolean(), serverCount: z.number().int() }),
  queues: z.array(queueLimitSchema),
});

export type GatewayLimitsReport = z.output<typeof reportSchema>;

export interface AdminLimits {
  /** `host:port` as given. */
  readonly address: string;
  readonly report?: GatewayLimitsReport;
  /** Why there is no report. */
  readonly error?: string;
}

/** `--gateways-admin`: a comma-separated list of host:port (a bad one is a usage error). */
export function parseAdminAddresses(value: string): string[] {
  const addresses = value.split(',').map((a) => a.trim()).filter((a) => a !== '');
  for (const a of addresses) {
    const match = /^([A-Za-z0-9_.-]+|\[[0-9A-Fa-f:]+\]):(\d{1,5})$/.exec(a);
    if (match === null || Number(match[2]) > 65535) throw new InvalidArgumentError(`'${a}' is not host:port`);
  }
  if (addresses.length === 0) throw new InvalidArgumentError('expected host:port[,host:port…]');
  if (addresses.length > 1000) throw new InvalidArgumentError('at most 1000 gateways');
  return addresses;
}

/** Every gateway's `/limits`, at once. */
export function fetchAdminLimits(addresses: readonly string[]): Promise<AdminLimits[]> {
  return Promise.all(addresses.map(async (address) => {
    try {
      return { address, report: reportSchema.parse(JSON.parse(await getBody(`http://${address}/limits`))) };
    } catch (e) {
      return { address, error: e instanceof z.ZodError ? `not a /limits answer: ${e.issues[0]?.path.join('.') ?? ''} ${e.issues[0]?.message ?? ''}` : coerceError(e).message };
    }
  }));
}

/** The body of a 200 answer; any other status, a timeout or an oversized answer is an error. */
async function getBody(url: string): Promise<string> {
  try {
    const { status, body } = await boundedHttpGet(url, { timeoutMs: TIMEOUT_MS, maxBytes: MAX_BODY_BYTES });
    if (status !== 200) throw new Error(`HTTP ${status} (a gateway older than /limits answers 404)`);
    return body;
  } catch (e) {
    throw e instanceof HttpGetTimeoutError ? new Error(`no full answer within ${TIMEOUT_MS} ms`) : e;
  }
}
