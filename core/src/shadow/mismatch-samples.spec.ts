import { MismatchSamples } from './mismatch-samples';

describe('MismatchSamples', () => {
  it('keeps the newest samples up to its capacity, newest first', () => {
    const samples = new MismatchSamples(2, 100);
    for (const n of [1, 2, 3]) samples.add(n * 1000, 'getJobCount', [{ field: 'count', primary: String(n), candidate: '0' }]);
    const list = samples.list();
    expect(list.map((s) => s.differences[0]?.primary)).toEqual(['3', '2']);
    expect(list[0]?.at).toBe(new Date(3000).toISOString());
  });

  it('cuts long values, saying how long they were', () => {
    const samples = new MismatchSamples(5, 4);
    samples.add(0, 'lookupJobs', [{ field: 'body', primary: 'abcdefgh', candidate: 'abc' }]);
    expect(samples.list()[0]?.differences[0]).toEqual({ field: 'body', primary: 'abcd…(8 chars)', candidate: 'abc' });
  });
});
