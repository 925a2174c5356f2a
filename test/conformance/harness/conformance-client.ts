/**
 * The conformance suite's client: the product PinLater Thrift client
 * (gateway/src/client/pinlater-thrift-client.ts, which the operator CLI uses too) under the name
 * the tests, benchmarks and security suite know, connecting with source `conformance:client`
 * unless a test names another.
 */
import { PinLaterThriftClient, type ServerAddress } from '../../../gateway/src/client/pinlater-thrift-client';

export { JobState, i64 } from '../../../gateway/src/client/pinlater-thrift-client';
export type {
  AckInfoSpec, AckSpec, CheckpointSpec, CountSpec, DeleteSpec, DequeueSpec, JobSpec, JobStateValue, RetrySpec, ScanSpec, ServerAddress,
  WireDequeueResponse, WireJobInfo, WireMetadata, WireScanResponse,
} from '../../../gateway/src/client/pinlater-thrift-client';

export type ConformanceClient = PinLaterThriftClient;

export const ConformanceClient = {
  /** Opens a framed binary connection; rejects when it cannot connect within 5 s. */
  connect(address: ServerAddress, source = 'conformance:client'): Promise<ConformanceClient> {
    return PinLaterThriftClient.connect(address, { source });
  },
};
