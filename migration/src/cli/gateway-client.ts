/**
 * The PinLater gateway a `pinlater-ops jobs …` / `queue status` command talks to, over PinLater
 * Thrift like any client (gateway/index.ts `PinLaterThriftClient`), so the commands work the same
 * in front of every backend and through the routing gateway. `--gateway host:port`, default the
 * local routing gateway 127.0.0.1:9010.
 *
 * Every call's failure becomes one operator line naming the gateway, the method and PinLater's
 * error code (CliFailure ERROR); a connection lost mid-call fails the call at once.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { EndpointError, parseEndpoint, type Endpoint } from '../../../core/src/config/endpoint';
import { ErrorCode } from '../../../core/src/errors/error-code';
import { coerceError } from '../../../core/src/errors/coerce-error';
import type { PinLaterThriftClient } from '../../../gateway/index';
import { CliFailure } from './cli-failure';
import type { CliContext } from './cli-context';
import { field } from './output-format';
import { gatewayEntry } from './lazy-entries';

/** The local bring-up's routing gateway (scripts/up.sh), the address every PinLater client uses. */
export const DEFAULT_GATEWAY = '127.0.0.1:9010';
/** `RequestContext.source` of the CLI's calls (PinLater logs it; checkpoints name their own). */
export const CLI_SOURCE = 'pinlater-ops';
/** Bound on each call: a scan or delete of many jobs may take a while on a loaded store. */
const CALL_TIMEOUT_MS = 60_000;
const CONNECT_TIMEOUT_MS = 5_000;

/** `--gateway <host:port>` (commander parser: a bad value is a usage error, exit 64). */
export function parseGatewayEndpoint(text: string): Endpoint {
  try {
    return parseEndpoint(text, 'gateway');
  } catch (e) {
    if (e instanceof EndpointError) throw new InvalidArgumentError(e.message);
    throw e;
  }
}

export function withGatewayOption(command: Command): Command {
  return command.option('--gateway <host:port>', `the PinLater gateway (Thrift) to talk to (default: ${DEFAULT_GATEWAY}, the local routing gateway)`, parseGatewayEndpoint);
}

export function gatewayOf(option: Endpoint | undefined): Endpoint {
  return option ?? parseEndpoint(DEFAULT_GATEWAY);
}

export function describeEndpoint(endpoint: Endpoint): string {
  return endpoint.host.includes(':') ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`;
}

/** Connects (the connection is closed by main.ts when the command ends). */
export async function connectGateway(ctx: CliContext, endpoint: Endpoint): Promise<GatewayConnection> {
  const { PinLaterThriftClient } = gatewayEntry();
  try {
    const client = await PinLaterThriftClient.connect(endpoint, { source: CLI_SOURCE, callTimeoutMs: CALL_TIMEOUT_MS, connectTimeoutMs: CONNECT_TIMEOUT_MS });
    ctx.resources.track('gateway connection', client);
    return new GatewayConnection(client, endpoint);
  } catch (e) {
    throw new CliFailure('ERROR', `cannot reach the PinLater gateway at ${describeEndpoint(endpoint)} (${socketErrorCode(e) ?? coerceError(e).message}): is it running? (--gateway host:port)`);
  }
}

/** One connection to a gateway; `call` runs one RPC with the failure translated for the operator. */
export class GatewayConnection {
  constructor(
    readonly client: PinLaterThriftClient,
    readonly endpoint: Endpoint,
  ) {}

  async call<T>(method: string, send: (client: PinLaterThriftClient) => Promise<T>): Promise<T> {
    let lost: (() => void) | undefined;
    const disconnected = new Promise<never>((_, reject) => {
      lost = () => reject(new Error('the gateway closed the connection'));
      this.client.disconnected.then(lost, () => undefined);
    });
    disconnected.catch(() => undefined);
    try {
      return await Promise.race([send(this.client), disconnected]);
    } catch (e) {
      throw new CliFailure('ERROR', `gateway ${describeEndpoint(this.endpoint)}: ${method} failed: ${describeCallError(e)}`);
    }
  }

  /** Refuses a queue the gateway does not know (a typo must not read as "nothing found"). */
  async requireQueue(queue: string): Promise<void> {
    const names = await this.call('getQueueNames', (c) => c.queueNames());
    if (!names.includes(queue)) {
      throw new CliFailure('ERROR', `queue '${field(queue)}' does not exist on the gateway at ${describeEndpoint(this.endpoint)} (getQueueNames); check the name and --gateway`);
    }
  }
}

/** The `code` of a socket error (ECONNREFUSED, ETIMEDOUT, …), whatever realm made it. */
function socketErrorCode(e: unknown): string | undefined {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** A PinLaterException as `NAME (code): message`; anything else by its message. */
export function describeCallError(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'errorCode' in e && typeof (e as { errorCode: unknown }).errorCode === 'number') {
    const { errorCode, message } = e as { errorCode: number; message?: unknown };
    const name = ErrorCode[errorCode] ?? 'UNKNOWN_CODE';
    return `${name} (${errorCode}): ${field(typeof message === 'string' ? message : '', 300)}`;
  }
  return field(coerceError(e).message, 300);
}
