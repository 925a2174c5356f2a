/**
 * The C library's character classes in the "C" locale, one bit per class per byte value, as
 * `<ctype.h>` answers them inside Redis (Redis never changes LC_CTYPE, so bytes >= 0x80 are in
 * no class at all). These are the classes of Lua's `%a %c %d %l %p %s %u %w %x` items.
 */
export const ALPHA = 1;
export const CNTRL = 2;
export const DIGIT = 4;
export const LOWER = 8;
export const PUNCT = 16;
export const SPACE = 32;
export const UPPER = 64;
export const XDIGIT = 128;

function classesOf(c: number): number {
  let bits = 0;
  const upper = c >= 0x41 && c <= 0x5a;
  const lower = c >= 0x61 && c <= 0x7a;
  const digit = c >= 0x30 && c <= 0x39;
  if (upper || lower) bits |= ALPHA;
  if (upper) bits |= UPPER;
  if (lower) bits |= LOWER;
  if (digit) bits |= DIGIT;
  if (c < 0x20 || c === 0x7f) bits |= CNTRL;
  if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) bits |= SPACE;
  if (c > 0x20 && c < 0x7f && !upper && !lower && !digit) bits |= PUNCT;
  if (digit || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)) bits |= XDIGIT;
  return bits;
}

/** `CLASSES[byte]`: the class bits of that byte. */
export const CLASSES: Uint8Array = Uint8Array.from({ length: 256 }, (_, c) => classesOf(c));

/** C `tolower` in the C locale: only A-Z change. */
export function toLowerAscii(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}
