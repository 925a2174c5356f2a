import { leaseAckStatements, MAX_CASE_BRANCHES, type LeaseAckStatement, type LeasedAck } from './lease-acks';

const ack = (id: number, leaseId: bigint, over: { queue?: string; partition?: number; priority?: number } = {}): LeasedAck => {
  const queue = over.queue ?? 'q';
  return {
    queue, ref: { queue, partition: over.partition ?? 0, priority: over.priority ?? 1, id },
    info: { descriptor: `d${id}`, appendCustomStatus: '', retryDelayMs: 0 }, leaseId, claimDescriptor: 'w:1',
  };
};

function caseForm(s: LeaseAckStatement | undefined): Extract<LeaseAckStatement, { form: 'case' }> {
  if (s?.form !== 'case') throw new Error(`expected the CASE form, got ${s?.form}`);
  return s;
}
const branchCount = (s: LeaseAckStatement | undefined): number => caseForm(s).lease.split(' WHEN ').length - 1;

describe('lease ack statements (lease-acks.ts, lease-ack-case.sql)', () => {
  it('gives each lease, queue, partition and priority its branch, highest lease first, each id once', () => {
    const [s, more] = leaseAckStatements([ack(1, 5n), ack(2, 9n), ack(3, 5n, { priority: 2 }), ack(1, 5n), ack(4, 7n, { queue: 'r', partition: 3 })]);
    expect(more).toBeUndefined();
    expect(caseForm(s).leaseParams).toEqual([[2], 'q', 0, 1, 9n, [4], 'r', 3, 1, 7n, [1], 'q', 0, 1, 5n, [3], 'q', 0, 2, 5n]);
    expect(caseForm(s).ids.sort()).toEqual([1, 2, 3, 4]);
    expect(branchCount(s)).toBe(4);
    expect(caseForm(s).lease).toMatch(/^CASE WHEN id IN \(\?\) .* ELSE 0 END$/);
  });

  it(`names at most ${MAX_CASE_BRANCHES} leases in a CASE (every row evaluates its branches in turn); more take the JSON rows`, () => {
    const acks = (n: number): LeasedAck[] => Array.from({ length: n }, (_, i) => ack(i + 1, BigInt(i + 1)));
    expect(branchCount(leaseAckStatements(acks(MAX_CASE_BRANCHES))[0])).toBe(MAX_CASE_BRANCHES);
    const [rows] = leaseAckStatements(acks(MAX_CASE_BRANCHES + 1));
    expect(rows?.form).toBe('rows');
    expect(JSON.parse(rows?.form === 'rows' ? rows.rows : '[]')).toHaveLength(MAX_CASE_BRANCHES + 1);
  });

  it('puts at most 1,000 jobs in one statement', () => {
    const statements = leaseAckStatements([...Array.from({ length: 1500 }, (_, i) => ack(i + 1, 2n)), ack(9999, 1n)]);
    expect(statements.map((s) => caseForm(s).ids.length)).toEqual([1000, 501]);
    expect(statements.map(branchCount)).toEqual([1, 2]);
  });
});
