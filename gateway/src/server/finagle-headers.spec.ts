/**
 * The TTwitter header structs, from byte arrays assembled by hand after FACTS §1.2 (binary
 * protocol: field = type byte, i16 id, value; STOP = 00; i64 big-endian; string/binary = i32
 * length + bytes; list = element type byte + i32 size + elements).
 */
import { BinaryReader } from './binary-reader';
import { BinaryWriter } from './binary-writer';
import { MAX_HEADER_LIST_ITEMS, readRequestHeader, writeResponseHeader, writeUpgradeReply } from './finagle-headers';
import { ProtocolError, ProtocolErrorType } from './protocol-error';

const hex = (...parts: string[]): Buffer => Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex');
const str = (s: string): string => Buffer.from(s).toString('hex');
const len = (n: number): string => n.toString(16).padStart(8, '0');

/** Every field of RequestHeader, in id order. */
const FULL = hex(
  '0a 0001 1234567890abcdef', // 1: trace_id
  '0a 0002 fedcba9876543210', // 2: span_id (negative as a signed i64)
  '0a 0003 0000000000000007', // 3: parent_span_id
  '02 0005 01', // 5: sampled = true
  '0c 0006', '0b 0001', len(14), str('pinlaterclient'), '00', // 6: client_id { 1: name }
  '0a 0007 0000000000000001', // 7: flags (debug)
  '0f 0008 0c', len(2), // 8: contexts, 2 structs
  '0b 0001', len(3), str('key'), '0b 0002', len(2), '0102', '00',
  '0b 0001', len(0), '0b 0002', len(0), '00',
  '0b 0009', len(4), str('dest'), // 9: dest
  '0f 000a 0c', len(1), // 10: delegations, 1 struct
  '0b 0001', len(1), str('a'), '0b 0002', len(1), str('b'), '00',
  '00', // STOP
);

function decodeError(bytes: Buffer): ProtocolError {
  try {
    readRequestHeader(new BinaryReader(bytes));
  } catch (e) {
    if (e instanceof ProtocolError) return e;
    throw e;
  }
  throw new Error(`decoded without error: ${bytes.toString('hex')}`);
}

describe('readRequestHeader', () => {
  it('reads every field, ids exact', () => {
    expect(readRequestHeader(new BinaryReader(FULL))).toEqual({
      traceId: 0x1234567890abcdefn,
      spanId: -0x0123456789abcdf0n,
      parentSpanId: 7n,
      sampled: true,
      clientId: 'pinlaterclient',
      flags: 1n,
      contexts: [
        { key: Buffer.from('key'), value: Buffer.from([1, 2]) },
        { key: Buffer.alloc(0), value: Buffer.alloc(0) },
      ],
      dest: 'dest',
      delegations: [{ src: 'a', dst: 'b' }],
    });
  });

  it('the smallest header a Finagle client sends: ids and an empty contexts list', () => {
    const h = readRequestHeader(new BinaryReader(hex('0a 0001 8000000000000000', '0a 0002 0000000000000001', '0f 0008 0c 00000000', '00')));
    expect(h).toEqual({ traceId: -(2n ** 63n), spanId: 1n, contexts: [] });
  });

  it('sampled false is kept (the caller decided not to trace)', () => {
    expect(readRequestHeader(new BinaryReader(hex('02 0005 00', '00'))).sampled).toBe(false);
  });

  it('absent fields keep their defaults (ids 0, no contexts)', () => {
    expect(readRequestHeader(new BinaryReader(hex('00')))).toEqual({ traceId: 0n, spanId: 0n, contexts: [] });
  });

  it('stops after the struct: the reader is left at the message that follows', () => {
    const r = new BinaryReader(Buffer.concat([FULL, hex('80010001')]));
    readRequestHeader(r);
    expect(r.remaining).toBe(4);
    expect(r.readI32()).toBe(0x80010001 | 0);
  });

  it('skips unknown fields at every level, and known ids with an unexpected wire type', () => {
    const bytes = hex(
      '08 0004 00000063', // 4: unknown i32
      '0a 0001 0000000000000011', // trace_id
      '08 0002 00000005', // span_id as i32: skipped (Apache semantics), stays 0
      '0a 000b 00000000000000ff', // 11: trace_id_high (later Finagle versions): unknown here
      '0c 0063', '0f 0001 0b', len(2), len(1), str('x'), len(0), '00', // 99: unknown struct with a list inside
      '0c 0006', '08 0002 00000001', '0b 0001', len(1), str('c'), '0d 0003 0b0b', len(0), '00', // client_id with unknown fields
      '0f 0008 0c', len(1), '0b 0001', len(1), str('k'), '0a 0003 0000000000000001', '0b 0002', len(1), str('v'), '00', // context with an unknown field
      '0f 000a 0c', len(1), '0b 0003', len(1), str('z'), '0b 0002', len(1), str('d'), '00', // delegation without src
      '02 0009 01', // dest as bool: skipped
      '00',
    );
    expect(readRequestHeader(new BinaryReader(bytes))).toEqual({
      traceId: 0x11n,
      spanId: 0n,
      clientId: 'c',
      contexts: [{ key: Buffer.from('k'), value: Buffer.from('v') }],
      delegations: [{ src: '', dst: 'd' }],
    });
  });

  it('a field sent twice: the last one wins', () => {
    expect(readRequestHeader(new BinaryReader(hex('0a 0001 0000000000000001', '0a 0001 0000000000000002', '00'))).traceId).toBe(2n);
  });

  it('rejects every truncation of a valid header with a ProtocolError', () => {
    for (let n = 0; n < FULL.length; n++) expect(decodeError(FULL.subarray(0, n))).toBeInstanceOf(ProtocolError);
  });

  it('rejects sizes beyond the frame before allocating anything', () => {
    expect(decodeError(hex('0b 0009 7fffffff 41')).type).toBe(ProtocolErrorType.SIZE_LIMIT); // dest of 2 GiB
    expect(decodeError(hex('0b 0009 ffffffff 00')).type).toBe(ProtocolErrorType.NEGATIVE_SIZE);
    expect(decodeError(hex('0c 0006 0b 0001 00000100 41 00 00')).type).toBe(ProtocolErrorType.SIZE_LIMIT); // client id of 256 bytes, 1 sent
    expect(decodeError(hex('0f 0008 0c 7fffffff 00')).type).toBe(ProtocolErrorType.SIZE_LIMIT); // 2^31-1 contexts
    expect(decodeError(hex('0f 0008 0c ffffffff 00')).type).toBe(ProtocolErrorType.NEGATIVE_SIZE);
    expect(decodeError(hex('0f 0008 0c 00000001', '0b 0001 00001000 00 00')).type).toBe(ProtocolErrorType.SIZE_LIMIT); // context key beyond the frame
  });

  it(`caps each list at ${MAX_HEADER_LIST_ITEMS} items even when the frame holds more`, () => {
    const contexts = (n: number): Buffer => hex('0f 0008 0c', len(n), '00'.repeat(n), '00');
    expect(readRequestHeader(new BinaryReader(contexts(MAX_HEADER_LIST_ITEMS))).contexts).toHaveLength(MAX_HEADER_LIST_ITEMS);
    expect(decodeError(contexts(MAX_HEADER_LIST_ITEMS + 1)).type).toBe(ProtocolErrorType.SIZE_LIMIT);
    const delegations = hex('0f 000a 0c', len(MAX_HEADER_LIST_ITEMS + 1), '00'.repeat(MAX_HEADER_LIST_ITEMS + 1), '00');
    expect(decodeError(delegations).type).toBe(ProtocolErrorType.SIZE_LIMIT);
  });

  it('rejects lists of something other than structs, invalid wire types and too deep nesting', () => {
    expect(decodeError(hex('0f 0008 08', len(1), '00000001', '00')).type).toBe(ProtocolErrorType.INVALID_DATA);
    expect(decodeError(hex('ff 0001 00')).type).toBe(ProtocolErrorType.INVALID_DATA);
    const deep = hex('0c 0063', '0c 0001'.repeat(100), '00'.repeat(101), '00');
    expect(decodeError(deep).type).toBe(ProtocolErrorType.DEPTH_LIMIT);
  });
});

describe('header writers', () => {
  it('ResponseHeader (empty) and UpgradeReply are a single STOP byte', () => {
    const w = new BinaryWriter();
    writeResponseHeader(w);
    expect(w.toBuffer().toString('hex')).toBe('00');
    w.reset();
    writeUpgradeReply(w);
    expect(w.toBuffer().toString('hex')).toBe('00');
  });
});
