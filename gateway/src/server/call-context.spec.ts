import { finagleCallContext, idHex, MAX_CLIENT_ID_CHARS, PLAIN_CALL, safeClientId } from './call-context';

describe('call context', () => {
  it('renders 64-bit ids as 16 lowercase hex digits, negative ones unsigned', () => {
    expect(idHex(0n)).toBe('0000000000000000');
    expect(idHex(0x1234567890abcdefn)).toBe('1234567890abcdef');
    expect(idHex(-1n)).toBe('ffffffffffffffff');
    expect(idHex(-(2n ** 63n))).toBe('8000000000000000');
  });

  it('carries what the RequestHeader says, absent fields absent', () => {
    expect(finagleCallContext({ traceId: 1n, spanId: -2n, contexts: [] })).toEqual({ finagle: { traceId: '0000000000000001', spanId: 'fffffffffffffffe' } });
    const full = finagleCallContext({ traceId: 1n, spanId: 2n, parentSpanId: 3n, sampled: false, clientId: 'pinlaterclient', flags: 1n, contexts: [], dest: '/s/x' });
    expect(full).toEqual({ finagle: { traceId: '0000000000000001', spanId: '0000000000000002', parentSpanId: '0000000000000003', sampled: false, clientId: 'pinlaterclient', flags: 1n } });
  });

  it('makes the untrusted client id safe to render: printable ASCII, bounded', () => {
    expect(safeClientId('pinlaterclient')).toBe('pinlaterclient');
    expect(safeClientId('a\nb\u0000c\u00e9\u{1F600}')).toBe('a?b?c???');
    expect(safeClientId('x'.repeat(10_000))).toBe('x'.repeat(MAX_CLIENT_ID_CHARS));
    expect(finagleCallContext({ traceId: 1n, spanId: 2n, clientId: 'evil\r\nline', contexts: [] }).finagle?.clientId).toBe('evil??line');
  });

  it('a plain call has no Finagle trace and is shared', () => {
    expect(PLAIN_CALL).toEqual({});
    expect(Object.isFrozen(PLAIN_CALL)).toBe(true);
  });
});
