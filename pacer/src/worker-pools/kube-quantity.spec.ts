import { quantityValue, sameQuantity } from './kube-quantity';

describe('kube quantities', () => {
  it('reads decimal, binary and milli suffixes and exponents', () => {
    expect(quantityValue('250m')).toBeCloseTo(0.25);
    expect(quantityValue('2')).toBe(2);
    expect(quantityValue('512Mi')).toBe(512 * 1024 * 1024);
    expect(quantityValue('1k')).toBe(1000);
    expect(quantityValue('1e3')).toBe(1000);
    expect(quantityValue('lots')).toBeUndefined();
  });

  it("treats the API server's canonical form as the same amount", () => {
    expect(sameQuantity('0.5', '500m')).toBe(true);
    expect(sameQuantity('1.5Gi', '1536Mi')).toBe(true);
    expect(sameQuantity('1', '1000m')).toBe(true);
    expect(sameQuantity('250m', '300m')).toBe(false);
    expect(sameQuantity('odd', 'odd')).toBe(true);
  });
});
