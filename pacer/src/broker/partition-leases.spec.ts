import { leaseIdOf } from '../datastore/claim-lease-id';
import { PartitionLeases } from './partition-leases';

/**
 * The lease ack statements trust the pairing of a job with its lease (lease-ack-succeeded.sql: no
 * per-row lookup of the lease): the map must pair a job only with a lease that named it, and only
 * while that lease still claims it.
 */
describe('PartitionLeases pairs a job only with a lease that names it', () => {
  const lease = (counter: number) => ({ leaseId: leaseIdOf(3, counter), claimDescriptor: `w:${counter}`, claimedAtMs: 1000 + counter });

  it('pairs each named job with the lease that named it, and no other job', () => {
    const leases = new PartitionLeases(3);
    leases.add(lease(1), [10, 11]);
    leases.add(lease(2), [12]);
    expect(leases.leaseOf(10)?.leaseId).toBe(leaseIdOf(3, 1));
    expect(leases.leaseOf(11)?.leaseId).toBe(leaseIdOf(3, 1));
    expect(leases.leaseOf(12)?.leaseId).toBe(leaseIdOf(3, 2));
    expect(leases.leaseOf(13)).toBeUndefined();
    leases.add(lease(4), []);
    expect(leases.leaseCount).toBe(2);
  });

  it('forgets a settled job, and reports a lease once none of its jobs is left', () => {
    const leases = new PartitionLeases(3);
    leases.add(lease(1), [10, 11]);
    expect(leases.settle([10])).toEqual([]);
    expect(leases.leaseOf(10)).toBeUndefined();
    expect(leases.settle([10, 11])).toEqual([leaseIdOf(3, 1)]);
    expect(leases.leaseOf(11)).toBeUndefined();
    expect(leases.jobCount).toBe(0);
  });

  it('pairs a job claimed again (a checkpoint re-leases it) with its new lease only', () => {
    const leases = new PartitionLeases(3);
    leases.add(lease(1), [10, 11]);
    expect(leases.settle([10])).toEqual([]);
    leases.add(lease(2), [10]);
    expect(leases.leaseOf(10)?.leaseId).toBe(leaseIdOf(3, 2));
    leases.dropLeases([leaseIdOf(3, 1)]);
    expect(leases.leaseOf(10)?.leaseId).toBe(leaseIdOf(3, 2));
    expect(leases.leaseOf(11)).toBeUndefined();
  });

  it('finds jobs a lease no longer claims from their rows: not PENDING, settled at or after it, or deleted', () => {
    const leases = new PartitionLeases(3);
    leases.add(lease(2), [10, 11, 12, 13]);
    const rows = [
      { id: 10, state: 0, settledLease: leaseIdOf(3, 1) },
      { id: 11, state: 2, settledLease: leaseIdOf(3, 2) },
      { id: 12, state: 0, settledLease: leaseIdOf(3, 2) },
    ];
    expect(leases.settledCheck(rows, [10, 11, 12, 13]).sort()).toEqual([11, 12, 13]);
  });

  it('lists jobs of leases claimed before a time for the held-lease sweep, at most the number asked', () => {
    const leases = new PartitionLeases(3);
    leases.add(lease(1), [10, 11, 12]); // claimed at 1001
    leases.add(lease(5), [20]); // 1005
    leases.add(lease(2), [30]); // 1002
    expect(leases.jobsClaimedBefore(1003, 100)).toEqual([10, 11, 12, 30]);
    expect(leases.jobsClaimedBefore(1003, 2)).toEqual([10, 11]);
    expect(leases.jobsClaimedBefore(1001, 100)).toEqual([]);
    leases.settle([10, 11, 12]);
    expect(leases.jobsClaimedBefore(2000, 100)).toEqual([20, 30]);
  });
});
