import { renderUntrusted } from './render-untrusted';

describe('renderUntrusted', () => {
  it('keeps printable ASCII as it is', () => {
    expect(renderUntrusted('my_queue 1-2.3')).toBe('my_queue 1-2.3');
  });

  it('escapes line breaks, control characters, backslashes and non-ASCII', () => {
    expect(renderUntrusted('a\nb\r\tc\\d\x1be\u00e9\u2028')).toBe('a\\nb\\r\\tc\\\\d\\x1be\\xe9\\u2028');
  });

  it('never lets a value start a new line of its own', () => {
    expect(renderUntrusted('x\n  forged_counter: 999')).not.toContain('\n');
  });

  it('cuts long values and says how long they were', () => {
    expect(renderUntrusted('x'.repeat(100), 10)).toBe(`${'x'.repeat(10)}…(100 chars)`);
  });
});
