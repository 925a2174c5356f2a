import { javaRound } from './java-round';

describe('javaRound (Java Math.round)', () => {
  it('rounds half up and maps NaN to 0', () => {
    expect(javaRound(2.5)).toBe(3);
    expect(javaRound(2.4999)).toBe(2);
    expect(javaRound(-0.5)).toBe(0);
    expect(javaRound(-1.5)).toBe(-1);
    expect(javaRound(Number.NaN)).toBe(0);
  });
});
