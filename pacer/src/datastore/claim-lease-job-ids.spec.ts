import { decodeJobIds, encodeJobIds } from './claim-lease-job-ids';

const MAX = Number.MAX_SAFE_INTEGER; // 2^53 - 1

describe('claim lease job_ids', () => {
  it('round-trips ids exactly, up to 2^53-1', () => {
    const ids = [1, 17, MAX - 1, MAX];
    expect(encodeJobIds(ids)).toBe(`[1,17,${MAX - 1},${MAX}]`);
    expect(decodeJobIds(encodeJobIds(ids))).toEqual(ids);
    expect(decodeJobIds('[ 3, 4 ]')).toEqual([3, 4]);
  });

  it('refuses to write an id a JS number cannot hold exactly, or no id at all', () => {
    expect(() => encodeJobIds([1, MAX + 1])).toThrow('is not a positive safe integer');
    expect(() => encodeJobIds([0])).toThrow('is not a positive safe integer');
    expect(() => encodeJobIds([2.5])).toThrow('is not a positive safe integer');
    expect(() => encodeJobIds([])).toThrow('at least one job');
  });

  it('refuses to read back an id that JSON.parse would round (instead of returning a wrong id)', () => {
    expect(() => decodeJobIds('[9007199254740992]')).toThrow('is not a positive safe integer'); // 2^53
    expect(() => decodeJobIds('[9007199254740993]')).toThrow('is not a positive safe integer'); // parses as 2^53
    expect(() => decodeJobIds('[18446744073709551615]')).toThrow('is not a positive safe integer');
    expect(() => decodeJobIds('["5"]')).toThrow('is not a positive safe integer');
    expect(() => decodeJobIds('[]')).toThrow('not a non-empty array');
    expect(() => decodeJobIds('{"a":1}')).toThrow('not a non-empty array');
  });
});
