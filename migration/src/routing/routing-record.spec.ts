import { parseRoutingRecord, RoutingRecordError, serializeRoutingRecord, isServedMode, type RoutingRecord } from './routing-record';

const record: RoutingRecord = {
  format: 1, queue: 'q1', mode: 'legacy', legacyCluster: 'redis-a', version: 3,
  changedAt: '2025-01-02T03:04:05.000Z', changedBy: 'alice', reason: 'adopt',
};

const bytes = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

describe('routing record format', () => {
  it('round-trips through its JSON', () => {
    expect(parseRoutingRecord('q1', serializeRoutingRecord(record))).toEqual(record);
    const pacer = { ...record, mode: 'pacer' as const, legacyCluster: null };
    expect(parseRoutingRecord('q1', serializeRoutingRecord(pacer))).toEqual(pacer);
  });

  it('reads the modes the migration issue adds (the gateway decides whether it serves them)', () => {
    for (const mode of ['shadow', 'migrating', 'finalized'] as const) {
      const parsed = parseRoutingRecord('q1', bytes({ ...record, mode }));
      expect(parsed.mode).toBe(mode);
      expect(isServedMode(parsed.mode)).toBe(false);
    }
    expect(isServedMode('legacy')).toBe(true);
    expect(isServedMode('pacer')).toBe(true);
  });

  it.each([
    ['not JSON', Buffer.from('{nope'), /not JSON/],
    ['a newer format', bytes({ ...record, format: 2 }), /format/],
    ['an unknown mode', bytes({ ...record, mode: 'teleport' }), /mode/],
    ['an unknown field', bytes({ ...record, extra: 1 }), /extra|unrecognized/i],
    ['a missing field', bytes({ ...record, changedBy: undefined }), /changedBy/],
    ['version 0', bytes({ ...record, version: 0 }), /version/],
    ['another queue', bytes({ ...record, queue: 'q2' }), /names queue 'q2'/],
    ['legacy without a cluster', bytes({ ...record, legacyCluster: null }), /legacy needs a legacyCluster/],
  ])('refuses %s, naming the queue and the problem', (_what, data, problem) => {
    let error: unknown;
    try {
      parseRoutingRecord('q1', data);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RoutingRecordError);
    expect((error as Error).message).toMatch(/queue 'q1'/);
    expect((error as Error).message).toMatch(problem);
  });

  it('will not serialize a record that breaks the format', () => {
    expect(() => serializeRoutingRecord({ ...record, version: -1 })).toThrow();
  });
});
