import { bodyRegexParameter, decodeMysqlStringLiteral } from './body-regex';

describe('body regex parameter (FACTS §5.5, deviation: bound, not pasted)', () => {
  it('adds no clause for an absent or empty regex', () => {
    expect(bodyRegexParameter(undefined)).toBeUndefined();
    expect(bodyRegexParameter('')).toBeUndefined();
  });

  it("decodes the regex as the server decodes PinLater's quoted literal", () => {
    expect(decodeMysqlStringLiteral('a.*b')).toBe('a.*b');
    expect(decodeMysqlStringLiteral('\\\\d+')).toBe('\\d+');
    expect(decodeMysqlStringLiteral('\\d')).toBe('d');
    expect(decodeMysqlStringLiteral("it''s")).toBe("it's");
    expect(decodeMysqlStringLiteral("\\'")).toBe("'");
    expect(decodeMysqlStringLiteral('\\n\\t\\0')).toBe('\n\t\0');
    expect(decodeMysqlStringLiteral('100\\%')).toBe('100\\%');
    expect(decodeMysqlStringLiteral('trailing\\')).toBe('trailing\\');
  });

  it("takes a lone quote literally (PinLater broke the statement)", () => {
    expect(bodyRegexParameter("a'b")).toBe("a'b");
    expect(bodyRegexParameter("x' OR '1'='1")).toBe("x' OR '1'='1");
  });
});
