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

  it('reads and serves the migration modes, shadow included (issue 13)', () => {
    const migrating = parseRoutingRecord('q1', bytes({ ...record, mode: 'migrating', direction: 'to-pacer' }));
    expect(migrating).toMatchObject({ mode: 'migrating', direction: 'to-pacer', legacyCluster: 'redis-a' });
    expect(parseRoutingRecord('q1', serializeRoutingRecord(migrating))).toEqual(migrating);
    expect(parseRoutingRecord('q1', bytes({ ...record, mode: 'migrating', direction: 'to-legacy' })).direction).toBe('to-legacy');
    expect(parseRoutingRecord('q1', bytes({ ...record, mode: 'finalized' })).mode).toBe('finalized');
    const shadow = parseRoutingRecord('q1', bytes({ ...record, mode: 'shadow' }));
    expect(shadow).toMatchObject({ mode: 'shadow', legacyCluster: 'redis-a' });
    expect(parseRoutingRecord('q1', serializeRoutingRecord(shadow))).toEqual(shadow);
    for (const mode of ['legacy', 'pacer', 'shadow', 'migrating', 'finalized'] as const) expect(isServedMode(mode)).toBe(true);
  });

  it('keeps format 1: a record written before `direction` existed reads the same', () => {
    expect(parseRoutingRecord('q1', bytes(record))).toEqual(record);
    expect('direction' in parseRoutingRecord('q1', bytes(record))).toBe(false);
    expect(serializeRoutingRecord(record).toString()).not.toContain('direction');
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
    ['migrating without a direction', bytes({ ...record, mode: 'migrating' }), /migrating needs a direction/],
    ['migrating without a cluster', bytes({ ...record, mode: 'migrating', direction: 'to-pacer', legacyCluster: null }), /migrating needs a legacyCluster/],
    ['shadow without a cluster', bytes({ ...record, mode: 'shadow', legacyCluster: null }), /shadow needs a legacyCluster/],
    ['shadow with a direction', bytes({ ...record, mode: 'shadow', direction: 'to-pacer' }), /shadow takes no direction/],
    ['finalized without a cluster', bytes({ ...record, mode: 'finalized', legacyCluster: null }), /finalized needs a legacyCluster/],
    ['a direction outside migrating', bytes({ ...record, mode: 'pacer', direction: 'to-pacer' }), /pacer takes no direction/],
    ['an unknown direction', bytes({ ...record, mode: 'migrating', direction: 'sideways' }), /direction/],
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
