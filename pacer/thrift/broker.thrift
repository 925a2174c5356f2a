/**
 * Pacer internal service: the stateless API (gateway side) talks to the dequeue broker that
 * exclusively owns a queue's partitions. Not part of PinLater's wire contract; never exposed to
 * PinLater clients. Generated code: pacer/src/generated/ (bash pacer/scripts/codegen.sh).
 */
namespace js pacer.broker

/** A job the broker claimed durably in MySQL before replying. */
struct BrokerJob {
  1: required string descriptor
  2: required binary body
  3: required i32 attemptsAllowed
  4: required i32 attemptsRemaining
  5: required i64 createdAtMs
  6: required i64 updatedAtMs
}

struct BrokerDequeueRequest {
  1: required string queue
  /** Partitions to serve from, in the order to visit them (the caller shuffled them). */
  2: required list<i32> partitions
  /** Priorities to serve, priority-major (outer loop), e.g. [1, 2, 3]. */
  3: required list<i32> priorities
  4: required i32 limit
  /** PinLater claim descriptor of the dequeue request (FACTS §4.2), stored with each claim. */
  5: required string claimDescriptor
  /** W3C trace context of the gateway's client span (absent when the gateway does not trace). */
  6: optional string traceparent
  /**
   * True from callers that ack each job as the reply says it was claimed (leaseIds, or none: per
   * job) and send the acks they cannot write to the owning broker (gateways since 2026-12-05).
   * Absent from earlier gateways, which may write per-job acks themselves: a lease-mode broker
   * claims their dequeues per job, so those acks still apply (issue 15, rollout).
   */
  7: optional bool acksByClaim
}

struct BrokerDequeueResponse {
  1: required list<BrokerJob> jobs
  /** Requested partitions this broker does not own (or lost to a newer owner while serving). */
  2: required list<i32> notOwned
  /** Buffered ready jobs left per requested priority (same order as request.priorities). */
  3: required list<i32> readyLeft
  /**
   * Lease mode: the lease claiming each job, parallel to `jobs` (absent for per-job claims). The
   * API acks a job it served by this lease itself, without this broker (issue 15).
   */
  4: optional list<i64> leaseIds
}

/** A job of the request's queue by partition and row id. */
struct BrokerJobRef {
  1: required i32 partition
  2: required i64 id
}

struct BrokerNotifyRequest {
  1: required string queue
  2: required list<i32> partitions
  /** Earliest run-after of the jobs that became pending; absent = now. */
  3: optional i64 earliestRunAfterMs
  /** Priorities of those jobs; absent = all. */
  4: optional list<i32> priorities
  /** W3C trace context of the gateway's client span (absent when the gateway does not trace). */
  5: optional string traceparent
  /**
   * Lease mode: jobs the API acked itself by their lease. The broker reads their rows and drops
   * those found settled from its lease map (nothing is taken on the API's word).
   */
  6: optional list<BrokerJobRef> settled
}

/** One ack of one job, as the API resolved its descriptor against the queue (lease mode). */
struct BrokerAck {
  1: required i32 partition
  2: required i32 priority
  /** The job's row id in Pacer's `jobs` table. */
  3: required i64 id
  /** The descriptor as the client sent it (logs, errors). */
  4: required string descriptor
  5: required string appendCustomStatus
  /** Failure acks: the retry delay (ms); ignored for successes. */
  6: required i64 retryDelayMs
}

/** Acks of one queue's jobs for the broker that owns their partitions (lease mode, issue 15). */
struct BrokerAckRequest {
  1: required string queue
  2: required list<BrokerAck> succeeded
  3: required list<BrokerAck> failed
  /** W3C trace context of the gateway's client span (absent when the gateway does not trace). */
  4: optional string traceparent
}

struct BrokerAckResponse {
  /** Partitions of the acks this broker does not own: nothing of theirs was acked. */
  1: required list<i32> notOwned
}

/** One checkpoint item, as the API resolved its descriptor against the queue (lease mode). */
struct BrokerCheckpoint {
  1: required i32 partition
  2: required i32 priority
  3: required i64 id
  4: required string descriptor
  5: required bool moveToPending
  6: optional string newBody
  7: optional i64 runAfterMs
  8: optional i32 numOfAttemptsAllowed
  9: optional string prependCustomStatus
}

/** Checkpoints of one queue's jobs for the broker that owns their partitions (lease mode). */
struct BrokerCheckpointRequest {
  1: required string queue
  /** PinLater RequestContext.source, matched against the claim descriptor. */
  2: required string source
  /** In request order (a job's items apply one after another). */
  3: required list<BrokerCheckpoint> items
  4: optional string traceparent
}

struct BrokerCheckpointResponse {
  /** Partitions of the items this broker does not own: nothing of theirs was applied. */
  1: required list<i32> notOwned
  /** Items applied that changed nothing (not claimed, or another claimant). */
  2: required i32 noops
}

struct PartitionStatus {
  1: required string queue
  2: required i32 partition
  3: required i64 epoch
  4: required i32 buffered
}

struct BrokerStatus {
  1: required string brokerId
  2: required list<PartitionStatus> partitions
  3: required i64 refills
  4: required i64 emptyRefills
  5: required i64 claimBatches
  6: required i64 claimedJobs
  7: optional i64 dequeueCalls
  /** Dequeue calls that waited for a MySQL refill read. */
  8: optional i64 dequeueReads
  /** Dequeue calls that waited for MySQL refill reads that found nothing new. */
  9: optional i64 emptyDequeueReads
}

/** code: a PinLater ErrorCode value (core/src/errors/error-code.ts). */
exception BrokerError {
  1: required i32 code
  2: required string message
}

service PacerBroker {
  BrokerDequeueResponse dequeue(1: BrokerDequeueRequest request) throws (1: BrokerError e)
  void notifyPending(1: BrokerNotifyRequest request) throws (1: BrokerError e)
  /** Lease mode: acks go to the owning broker, the only one that knows which lease claims a job. */
  BrokerAckResponse ack(1: BrokerAckRequest request) throws (1: BrokerError e)
  /** Lease mode: checkpoints go to the owning broker too (a checkpoint renews a job's lease). */
  BrokerCheckpointResponse checkpoint(1: BrokerCheckpointRequest request) throws (1: BrokerError e)
  BrokerStatus status()
}
