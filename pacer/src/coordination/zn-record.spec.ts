import { gzipSync } from 'node:zlib';
import { newRecord, parseRecord, recordsEqual, recordToJson, serializeRecord, ZNRECORD_SIZE_LIMIT } from './zn-record';

describe('ZNRecord', () => {
  it('writes sorted keys and string values, and reads them back', () => {
    const r = newRecord('q');
    r.simpleFields = { REPLICAS: '1', NUM_PARTITIONS: '2' };
    r.mapFields = { q_1: { b: 'ONLINE', a: 'OFFLINE' }, q_0: {} };
    r.listFields = { q_0: [] };
    const json = recordToJson(r);
    expect(json.indexOf('NUM_PARTITIONS')).toBeLessThan(json.indexOf('REPLICAS'));
    expect(json.indexOf('"q_0"')).toBeLessThan(json.indexOf('"q_1"'));
    expect(parseRecord(serializeRecord(r))).toEqual(r);
  });

  it('compares records as their JSON would: key order does not matter, list order and every value do', () => {
    const a = newRecord('q');
    a.simpleFields = { A: '1', B: '2' };
    a.listFields = { l: ['x', 'y'] };
    a.mapFields = { q_0: { i: 'ONLINE', j: 'OFFLINE' } };
    const b = parseRecord(serializeRecord(a));
    b.simpleFields = { B: '2', A: '1' };
    b.mapFields = { q_0: { j: 'OFFLINE', i: 'ONLINE' } };
    expect(recordsEqual(a, b)).toBe(true);
    const variants: Array<(r: ReturnType<typeof newRecord>) => void> = [
      (r) => (r.id = 'other'),
      (r) => (r.simpleFields.A = '9'),
      (r) => (r.simpleFields.C = ''),
      (r) => (r.listFields.l = ['y', 'x']),
      (r) => (r.listFields.m = []),
      (r) => (r.mapFields.q_0 = { i: 'ONLINE' }),
      (r) => (r.mapFields.q_1 = {}),
      (r) => (r.mapFields.q_0 = { i: 'ONLINE', k: 'OFFLINE' }),
    ];
    for (const change of variants) {
      const c = parseRecord(serializeRecord(a));
      change(c);
      expect(recordsEqual(a, c)).toBe(recordToJson(a) === recordToJson(c));
      expect(recordsEqual(a, c)).toBe(false);
    }
  });

  it('stringifies non-string values, ignores unknown properties and tolerates missing fields', () => {
    const parsed = parseRecord(Buffer.from('{"id":"x","simpleFields":{"N":3,"B":true},"extra":1}'));
    expect(parsed).toEqual({ id: 'x', simpleFields: { N: '3', B: 'true' }, listFields: {}, mapFields: {} });
  });

  it('detects gzip on read and compresses records over the limit', () => {
    const r = newRecord('big');
    r.simpleFields.enableCompression = 'true';
    const zipped = serializeRecord(r);
    expect(zipped[0]).toBe(0x1f);
    expect(parseRecord(zipped)).toEqual(r);
    expect(parseRecord(gzipSync(Buffer.from('{"id":"z"}'))).id).toBe('z');
    const large = newRecord('large');
    for (let i = 0; i < 40_000; i++) large.simpleFields[`key_${i}`] = 'v'.repeat(20);
    const bytes = serializeRecord(large);
    expect(bytes.length).toBeLessThan(ZNRECORD_SIZE_LIMIT);
    expect(parseRecord(bytes)).toEqual(large);
  });
});
