import ttypes from '../generated/broker_types';
import type { AckItem, CheckpointRef } from '../datastore/job-acks';
import { fromI64, toI64 } from './int64';

/** An ack as the broker's Thrift service carries it (pacer/thrift/broker.thrift, BrokerAck). */
export function toBrokerAck(a: AckItem): ttypes.BrokerAck {
  return new ttypes.BrokerAck({
    partition: a.ref.partition, priority: a.ref.priority, id: toI64(a.ref.id), descriptor: a.info.descriptor,
    appendCustomStatus: a.info.appendCustomStatus, retryDelayMs: toI64(a.info.retryDelayMs),
  });
}

/** The broker's side: the ack of `queue` the API resolved (the queue is the request's, as in PinLater). */
export function fromBrokerAck(queue: string, a: ttypes.BrokerAck): AckItem {
  return {
    queue,
    ref: { queue, partition: a.partition, priority: a.priority, id: fromI64(a.id) ?? 0 },
    info: { descriptor: a.descriptor, appendCustomStatus: a.appendCustomStatus, retryDelayMs: fromI64(a.retryDelayMs) ?? 0 },
  };
}

/** A checkpoint item as the broker's Thrift service carries it (BrokerCheckpoint). */
export function toBrokerCheckpoint(c: CheckpointRef): ttypes.BrokerCheckpoint {
  const { item, ref } = c;
  return new ttypes.BrokerCheckpoint({
    partition: ref.partition, priority: ref.priority, id: toI64(ref.id), descriptor: item.descriptor, moveToPending: item.moveToPending,
    ...(item.newBody === undefined ? {} : { newBody: item.newBody }),
    ...(item.runAfterMs === undefined ? {} : { runAfterMs: toI64(item.runAfterMs) }),
    ...(item.numOfAttemptsAllowed === undefined ? {} : { numOfAttemptsAllowed: item.numOfAttemptsAllowed }),
    ...(item.prependCustomStatus === undefined ? {} : { prependCustomStatus: item.prependCustomStatus }),
  });
}

/** The broker's side of a checkpoint item (optional fields absent stay absent). */
export function fromBrokerCheckpoint(queue: string, c: ttypes.BrokerCheckpoint): CheckpointRef {
  const runAfterMs = fromI64(c.runAfterMs ?? undefined);
  return {
    ref: { queue, partition: c.partition, priority: c.priority, id: fromI64(c.id) ?? 0 },
    item: {
      descriptor: c.descriptor, moveToPending: c.moveToPending,
      ...(c.newBody === undefined || c.newBody === null ? {} : { newBody: c.newBody }),
      ...(runAfterMs === undefined ? {} : { runAfterMs }),
      ...(c.numOfAttemptsAllowed === undefined || c.numOfAttemptsAllowed === null ? {} : { numOfAttemptsAllowed: c.numOfAttemptsAllowed }),
      ...(c.prependCustomStatus === undefined || c.prependCustomStatus === null ? {} : { prependCustomStatus: c.prependCustomStatus }),
    },
  };
}
