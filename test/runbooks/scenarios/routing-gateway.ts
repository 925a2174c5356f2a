/**
 * The scenarios' PinLater client: the repo's Thrift client (gateway/src/client/) on the routing
 * gateway of the bring-up, 127.0.0.1:9010, the address every client uses. `withRoutingGateway`
 * opens one connection for `fn` and closes it whatever happens.
 */
import { PinLaterThriftClient } from '../../../gateway/src/client/pinlater-thrift-client';

export const ROUTING_GATEWAY = { host: '127.0.0.1', port: 9010 } as const;
const CALL_TIMEOUT_MS = 10_000;

export async function withRoutingGateway<T>(source: string, fn: (client: PinLaterThriftClient) => Promise<T>): Promise<T> {
  const client = await PinLaterThriftClient.connect(ROUTING_GATEWAY, { source, callTimeoutMs: CALL_TIMEOUT_MS });
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}
