/**
 * Mutations of framed Thrift requests for the decoder fuzzing run: bit flips, interesting values,
 * truncations (with and without a fixed-up length prefix), length-field corruption, splices of two
 * requests, deeply nested and repeated containers, and random frames. Deterministic for a given
 * PRNG (test/support/seeded-random.ts), so a failing round reproduces from its seed.
 */
import { TType } from '../../../gateway/src/codegen/idl-schema';
import { BinaryWriter } from '../../../gateway/src/server/binary-writer';

export type Random = () => number;

export interface Mutant {
  readonly operator: string;
  /** Bytes to send: usually one frame, possibly an unfinished one or several. */
  readonly bytes: Buffer;
}

const INTERESTING_I32 = [0, 1, -1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, -0x80000000, 1 << 24];
const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x0b, 0x0c, 0x0f, 0x0d];

const int = (next: Random, n: number): number => Math.floor(next() * n);
const pick = <T>(next: Random, items: readonly T[]): T => items[int(next, items.length)] as T;

/** A frame (prefix + body) whose prefix matches the body. */
function framed(body: Buffer): Buffer {
  const out = Buffer.alloc(4 + body.length);
  out.writeInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

const bodyOf = (frame: Buffer): Buffer => frame.subarray(4);

const OPERATORS: Record<string, (seeds: readonly Buffer[], next: Random, maxFrameBytes: number) => Buffer> = {
  bitFlips: (seeds, next) => {
    const body = Buffer.from(bodyOf(pick(next, seeds)));
    for (let k = 1 + int(next, 8); k > 0; k--) {
      const at = int(next, body.length);
      body[at] = (body[at] as number) ^ (1 << int(next, 8));
    }
    return framed(body);
  },
  interestingValues: (seeds, next) => {
    const body = Buffer.from(bodyOf(pick(next, seeds)));
    for (let k = 1 + int(next, 3); k > 0; k--) {
      if (next() < 0.5 && body.length >= 4) body.writeInt32BE(pick(next, INTERESTING_I32) | 0, int(next, body.length - 3));
      else body[int(next, body.length)] = pick(next, INTERESTING_BYTES);
    }
    return framed(body);
  },
  truncatedFixedLength: (seeds, next) => {
    const body = bodyOf(pick(next, seeds));
    return framed(body.subarray(0, int(next, body.length)));
  },
  truncatedUnfinished: (seeds, next) => {
    const frame = pick(next, seeds);
    return Buffer.from(frame.subarray(0, int(next, frame.length)));
  },
  corruptLength: (seeds, next, maxFrameBytes) => {
    const frame = Buffer.from(pick(next, seeds));
    const len = frame.length - 4;
    const values = [0, 1, 3, len - 1, len + 1, len + 1000, maxFrameBytes, maxFrameBytes + 1, 0x7fffffff, -1, int(next, 2 * maxFrameBytes)];
    frame.writeInt32BE(pick(next, values) | 0, 0);
    return frame;
  },
  splice: (seeds, next) => {
    const a = bodyOf(pick(next, seeds));
    const b = bodyOf(pick(next, seeds));
    return framed(Buffer.concat([a.subarray(0, int(next, a.length)), b.subarray(int(next, b.length))]));
  },
  nestedContainers: (_seeds, next) => framed(nestedCall(next)),
  repeatedContainer: (seeds, next) => framed(repeatedList(bodyOf(pick(next, seeds)), next)),
  random: (_seeds, next) => framed(Buffer.from(Array.from({ length: int(next, 300) }, () => int(next, 256)))),
};

export const OPERATOR_NAMES = Object.keys(OPERATORS);

export function mutate(seeds: readonly Buffer[], next: Random, maxFrameBytes: number): Mutant {
  const operator = pick(next, OPERATOR_NAMES);
  return { operator, bytes: (OPERATORS[operator] as (typeof OPERATORS)[string])(seeds, next, maxFrameBytes) };
}

/** A strict CALL header for a random real method, then arguments nested hundreds to thousands deep. */
function nestedCall(next: Random): Buffer {
  const w = new BinaryWriter();
  w.writeI32((0x80010000 | 1) | 0);
  w.writeString(pick(next, ['enqueueJobs', 'dequeueJobs', 'lookupJobs', 'scanJobs', 'checkpointJobs']));
  w.writeI32(int(next, 1 << 30));
  const depth = 50 + int(next, 5000);
  const kind = int(next, 3);
  w.writeFieldBegin(TType.STRUCT, 2);
  for (let d = 0; d < depth; d++) {
    if (kind === 0) {
      w.writeFieldBegin(TType.STRUCT, 1 + int(next, 3));
    } else if (kind === 1) {
      w.writeListBegin(TType.LIST, 1);
    } else {
      w.writeMapBegin(TType.STRING, TType.MAP, 1);
      w.writeString('k');
    }
  }
  if (next() < 0.5) w.writeFieldStop(); // most of the closing bytes are missing on purpose
  return Buffer.from(w.toBuffer());
}

/** The request with a list of many copies of one element (valid or nearly), or a huge declared count. */
function repeatedList(body: Buffer, next: Random): Buffer {
  const w = new BinaryWriter();
  const copies = next() < 0.3 ? 0x7fffffff : 1 + int(next, 2000);
  w.writeListBegin(TType.STRUCT, copies);
  const element = body.subarray(int(next, body.length));
  const times = Math.min(copies, 1 + int(next, 500));
  const list = Buffer.concat([Buffer.from(w.toBuffer()), ...Array.from({ length: times }, () => element)]);
  const cut = int(next, body.length);
  return Buffer.concat([body.subarray(0, cut), list, body.subarray(cut)]);
}
