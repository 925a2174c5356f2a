import { parseProperties } from './properties-file';

describe('parseProperties (java.util.Properties)', () => {
  it('handles comments, separators, continuations, escapes and empty values', () => {
    const p = parseProperties('# c\n! c\nA=1\nB : two\nC three\n  D=x\\\n   y\nE=\nF=a\\tb\\u0041\nA=override\n');
    expect(Object.fromEntries(p)).toEqual({ A: 'override', B: 'two', C: 'three', D: 'xy', E: '', F: 'a\tbA' });
  });
});
