/**
 * A broker's status document: what its `status` RPC answers (rpc/broker-server.ts, broker.thrift
 * `BrokerStatus`) as plain JSON-ready values, for its admin port's GET /status
 * (broker-admin-server.ts) and `pinlater-ops pacer broker-status` (cli/broker-status.ts), which
 * prints the same fields read over the RPC.
 */
import type { BrokerStatusReply } from '../rpc/thrift-broker-client';
import type { DequeueBroker } from './dequeue-broker';

export function brokerStatusOf(broker: DequeueBroker): BrokerStatusReply {
  const c = broker.counters;
  return {
    brokerId: broker.brokerId,
    partitions: broker.partitions().map((p) => ({ queue: p.queue, partition: p.partition, epoch: p.epoch, buffered: p.buffered })),
    refills: c.refills,
    emptyRefills: c.emptyRefills,
    claimBatches: c.claimBatches,
    claimedJobs: c.claimedJobs,
    dequeueCalls: c.dequeueCalls,
    dequeueReads: c.dequeueReads,
    emptyDequeueReads: c.emptyDequeueReads,
  };
}
