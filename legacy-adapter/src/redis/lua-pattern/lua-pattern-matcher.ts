import { ALPHA, CLASSES, CNTRL, DIGIT, LOWER, PUNCT, SPACE, UPPER, XDIGIT, toLowerAscii } from './c-locale-classes';
import { LuaPatternError, PatternStepLimitError } from './lua-pattern-errors';

/**
 * `string.match(subject, pattern) ~= nil` with Lua 5.1's semantics (lstrlib.c, the version Redis
 * embeds), evaluated in the gateway under a step limit instead of inside Redis, where a pattern
 * such as `a*a*a*c` runs in one C call that nothing can interrupt (issue 8).
 *
 * Semantics kept byte for byte: subject and pattern are bytes; the pattern ends at its first NUL
 * (a C string in 5.1); C-locale classes; `^` anchors only as the first byte and `$` only as the
 * last; `[...]` sets with ranges, classes and `^`; `? * + -`; captures, position captures,
 * back-references `%1`-`%9`, `%b`, `%f`; every error raised lazily at the point Lua raises it,
 * with Lua's message, including "unfinished capture" for a match that leaves a capture open
 * (string.match pushes its captures). The code follows lstrlib.c's structure (tail calls as
 * loops) so that the order of work, and so the point where an error is raised, is the same.
 *
 * Two bounds Lua 5.1 does not have:
 * - a step limit per `matches` call: every pattern item tried, subject byte compared and set or
 *   balance byte scanned is a step; past the limit `PatternStepLimitError` is thrown;
 * - a recursion limit of `MAX_MATCH_DEPTH` nested matches ("pattern too complex", Lua 5.2's
 *   message for the same limit; Lua 5.1 would overflow the C stack).
 *
 * Not reentrant; one instance serves any number of subjects, one at a time.
 */
export class LuaPatternMatcher {
  private readonly pat: Uint8Array;
  private readonly anchored: boolean;
  private readonly start: number;
  /** Unanchored and led by a plain byte item (not optional): starts elsewhere cannot match. */
  private readonly firstByte: number;
  /** Unanchored and led by `.*`, `.-` or `.+`: the first start tries every later one's work. */
  private readonly onlyFirstStart: boolean;
  private src: Uint8Array = EMPTY;
  private srcEnd = 0;
  private level = 0;
  private readonly capInit = new Int32Array(MAX_CAPTURES);
  private readonly capLen = new Int32Array(MAX_CAPTURES);
  private depth = 0;
  private steps = 0;
  private maxSteps = 0;

  /** `pattern`: the pattern's bytes (the UTF-8 of the Thrift string, as Jedis sends it). */
  constructor(pattern: Uint8Array) {
    const nul = pattern.indexOf(0);
    const text = nul === -1 ? pattern : pattern.subarray(0, nul);
    // A NUL terminator, as lstrlib.c reads one past the pattern's last byte.
    this.pat = new Uint8Array(text.length + 1);
    this.pat.set(text);
    this.anchored = this.pat[0] === CARET;
    this.start = this.anchored ? 1 : 0;
    this.firstByte = this.anchored ? NO_MATCH : leadingLiteral(this.pat);
    this.onlyFirstStart = !this.anchored && leadsWithAnyRun(this.pat);
  }

  static fromString(pattern: string): LuaPatternMatcher {
    return new LuaPatternMatcher(Buffer.from(pattern, 'utf8'));
  }

  /** Steps the last `matches` call took (also after it threw). */
  get stepsUsed(): number {
    return this.steps;
  }

  /**
   * Whether Lua's `string.match(subject, pattern)` returns a value. Throws `LuaPatternError` where
   * Lua raises an error, `PatternStepLimitError` after more than `maxSteps` steps.
   */
  matches(subject: Uint8Array, maxSteps: number = Number.POSITIVE_INFINITY): boolean {
    this.src = subject;
    this.srcEnd = subject.length;
    this.steps = 0;
    this.maxSteps = maxSteps;
    let s1 = 0;
    do {
      if (this.firstByte !== NO_MATCH) {
        s1 = this.skipToCandidate(s1);
        if (s1 === NO_MATCH) return false;
      }
      this.level = 0;
      this.depth = 0;
      const end = this.match(s1, this.start);
      if (end !== NO_MATCH) {
        this.checkCaptures();
        return true;
      }
      if (this.onlyFirstStart) return false;
    } while (s1++ < this.srcEnd && !this.anchored);
    return false;
  }

  /**
   * The next start position whose byte is the pattern's leading literal (a start anywhere else
   * fails at its first item without any error, as the item is a plain byte), or NO_MATCH. The
   * skipped bytes cost a step per 16 (a native search).
   */
  private skipToCandidate(s1: number): number {
    const next = this.src.indexOf(this.firstByte, s1);
    const to = next === -1 ? this.srcEnd : next;
    this.tick(1 + ((to - s1) >> 4));
    return next;
  }

  /** push_captures: string.match returns every capture, and an open one is an error. */
  private checkCaptures(): void {
    for (let i = 0; i < this.level; i++) {
      if (this.capLen[i] === CAP_UNFINISHED) throw new LuaPatternError('unfinished capture');
    }
  }

  private tick(n: number): void {
    this.steps += n;
    if (this.steps > this.maxSteps) throw new PatternStepLimitError(this.maxSteps);
  }

  /** One nested match (a C call in lstrlib.c): bounded depth. */
  private match(s: number, p: number): number {
    if (++this.depth > MAX_MATCH_DEPTH) throw new LuaPatternError('pattern too complex');
    const end = this.doMatch(s, p);
    this.depth--;
    return end;
  }

  /** lstrlib.c `match`; returns the end of the match or NO_MATCH. */
  private doMatch(s: number, p: number): number {
    const pat = this.pat;
    for (;;) {
      this.tick(1);
      const c = pat[p] as number;
      if (c === OPEN) return pat[p + 1] === CLOSE ? this.startCapture(s, p + 2, CAP_POSITION) : this.startCapture(s, p + 1, CAP_UNFINISHED);
      if (c === CLOSE) return this.endCapture(s, p + 1);
      if (c === 0) return s;
      if (c === ESC) {
        const next = pat[p + 1] as number;
        if (next === LETTER_B) {
          s = this.matchBalance(s, p + 2);
          if (s === NO_MATCH) return NO_MATCH;
          p += 4;
          continue;
        }
        if (next === LETTER_F) {
          p = this.frontier(s, p + 2);
          if (p === NO_MATCH) return NO_MATCH;
          continue;
        }
        if (isDigit(next)) {
          s = this.matchCapture(s, next);
          if (s === NO_MATCH) return NO_MATCH;
          p += 2;
          continue;
        }
      } else if (c === DOLLAR && pat[p + 1] === 0) {
        return s === this.srcEnd ? s : NO_MATCH;
      }
      const ep = this.classEnd(p);
      const m = s < this.srcEnd && this.singleMatch(this.src[s] as number, p, ep);
      switch (pat[ep]) {
        case QUESTION: {
          if (m) {
            const end = this.match(s + 1, ep + 1);
            if (end !== NO_MATCH) return end;
          }
          p = ep + 1;
          continue;
        }
        case STAR:
          return this.maxExpand(s, p, ep);
        case PLUS:
          return m ? this.maxExpand(s + 1, p, ep) : NO_MATCH;
        case MINUS:
          return this.minExpand(s, p, ep);
        default:
          if (!m) return NO_MATCH;
          s++;
          p = ep;
      }
    }
  }

  /** `%f[set]`, `p` at the `[`: the index after the set when `s` is at the frontier, else NO_MATCH. */
  private frontier(s: number, p: number): number {
    if (this.pat[p] !== LBRACKET) throw new LuaPatternError("missing '[' after '%f' in pattern");
    const ep = this.classEnd(p);
    const previous = s === 0 ? 0 : (this.src[s - 1] as number);
    const current = s < this.srcEnd ? (this.src[s] as number) : 0;
    if (this.matchBracketClass(previous, p, ep - 1) || !this.matchBracketClass(current, p, ep - 1)) return NO_MATCH;
    return ep;
  }

  /** lstrlib.c `classEnd`: the index just after the single-character class at `p`. */
  private classEnd(p: number): number {
    const pat = this.pat;
    const c = pat[p++];
    if (c === ESC) {
      if (pat[p] === 0) throw new LuaPatternError("malformed pattern (ends with '%')");
      return p + 1;
    }
    if (c !== LBRACKET) return p;
    const first = p;
    if (pat[p] === CARET) p++;
    do {
      if (pat[p] === 0) throw new LuaPatternError("malformed pattern (missing ']')");
      if (pat[p++] === ESC && pat[p] !== 0) p++;
    } while (pat[p] !== RBRACKET);
    this.tick(p - first);
    return p + 1;
  }

  private singleMatch(c: number, p: number, ep: number): boolean {
    this.tick(1);
    const pc = this.pat[p] as number;
    if (pc === DOT) return true;
    if (pc === ESC) return matchClass(c, this.pat[p + 1] as number);
    if (pc === LBRACKET) return this.matchBracketClass(c, p, ep - 1);
    return pc === c;
  }

  /** `p` at the `[`, `ec` at the closing `]`. */
  private matchBracketClass(c: number, p: number, ec: number): boolean {
    const pat = this.pat;
    this.tick(ec - p);
    let sig = true;
    if (pat[p + 1] === CARET) {
      sig = false;
      p++;
    }
    while (++p < ec) {
      const pc = pat[p] as number;
      if (pc === ESC) {
        p++;
        if (matchClass(c, pat[p] as number)) return sig;
      } else if (pat[p + 1] === MINUS && p + 2 < ec) {
        p += 2;
        if (pc <= c && c <= (pat[p] as number)) return sig;
      } else if (pc === c) {
        return sig;
      }
    }
    return !sig;
  }

  private matchBalance(s: number, p: number): number {
    const pat = this.pat;
    if (pat[p] === 0 || pat[p + 1] === 0) throw new LuaPatternError('unbalanced pattern');
    const open = pat[p] as number;
    if (s >= this.srcEnd || this.src[s] !== open) return NO_MATCH;
    const close = pat[p + 1] as number;
    const first = s;
    let depth = 1;
    while (++s < this.srcEnd) {
      const c = this.src[s];
      if (c === close) {
        if (--depth === 0) {
          this.tick(s - first);
          return s + 1;
        }
      } else if (c === open) {
        depth++;
      }
    }
    this.tick(s - first);
    return NO_MATCH;
  }

  private maxExpand(s: number, p: number, ep: number): number {
    let i = 0;
    while (s + i < this.srcEnd && this.singleMatch(this.src[s + i] as number, p, ep)) i++;
    while (i >= 0) {
      const end = this.match(s + i, ep + 1);
      if (end !== NO_MATCH) return end;
      i--;
    }
    return NO_MATCH;
  }

  private minExpand(s: number, p: number, ep: number): number {
    for (;;) {
      const end = this.match(s, ep + 1);
      if (end !== NO_MATCH) return end;
      if (s < this.srcEnd && this.singleMatch(this.src[s] as number, p, ep)) s++;
      else return NO_MATCH;
    }
  }

  private startCapture(s: number, p: number, what: number): number {
    const level = this.level;
    if (level >= MAX_CAPTURES) throw new LuaPatternError('too many captures');
    this.capInit[level] = s;
    this.capLen[level] = what;
    this.level = level + 1;
    const end = this.match(s, p);
    if (end === NO_MATCH) this.level--;
    return end;
  }

  private endCapture(s: number, p: number): number {
    const l = this.captureToClose();
    this.capLen[l] = s - (this.capInit[l] as number);
    const end = this.match(s, p);
    if (end === NO_MATCH) this.capLen[l] = CAP_UNFINISHED;
    return end;
  }

  private captureToClose(): number {
    for (let level = this.level - 1; level >= 0; level--) {
      if (this.capLen[level] === CAP_UNFINISHED) return level;
    }
    throw new LuaPatternError('invalid pattern capture');
  }

  /** `%1`-`%9` (`digit` is the byte after `%`; `%0` is an invalid index, as in Lua). */
  private matchCapture(s: number, digit: number): number {
    const l = digit - DIGIT_ONE;
    if (l < 0 || l >= this.level || this.capLen[l] === CAP_UNFINISHED) throw new LuaPatternError('invalid capture index');
    const len = this.capLen[l] as number;
    // A position capture has a negative length, which lstrlib.c compares as a huge size_t.
    if (len < 0 || this.srcEnd - s < len) return NO_MATCH;
    this.tick(len);
    const init = this.capInit[l] as number;
    for (let i = 0; i < len; i++) {
      if (this.src[init + i] !== this.src[s + i]) return NO_MATCH;
    }
    return s + len;
  }
}

/**
 * Nested matches allowed (Lua 5.2's MAXCCALLS is 200; Lua 5.1 has no limit and overflows the C
 * stack far beyond this). Each level is two or three JavaScript frames.
 */
export const MAX_MATCH_DEPTH = 1000;
const MAX_CAPTURES = 32;
const CAP_UNFINISHED = -1;
const CAP_POSITION = -2;
const NO_MATCH = -1;
const EMPTY = new Uint8Array(0);

const ESC = 0x25; // %
const OPEN = 0x28; // (
const CLOSE = 0x29; // )
const STAR = 0x2a; // *
const PLUS = 0x2b; // +
const MINUS = 0x2d; // -
const DOT = 0x2e; // .
const DIGIT_ONE = 0x31; // 1
const QUESTION = 0x3f; // ?
const DOLLAR = 0x24; // $
const LBRACKET = 0x5b; // [
const RBRACKET = 0x5d; // ]
const CARET = 0x5e; // ^
const LETTER_B = 0x62;
const LETTER_F = 0x66;

/**
 * The byte of a leading item that is a plain byte matched once or more (`x`, `x+`, `xy`...), or
 * NO_MATCH. Not for `(`, `)`, `%`, `[`, `.`, a final `$`, or an item followed by `?`, `*`, `-`.
 */
function leadingLiteral(pat: Uint8Array): number {
  const c = pat[0] as number;
  if (c === 0 || c === OPEN || c === CLOSE || c === ESC || c === LBRACKET || c === DOT) return NO_MATCH;
  if (c === DOLLAR && pat[1] === 0) return NO_MATCH;
  const q = pat[1];
  return q === QUESTION || q === STAR || q === MINUS ? NO_MATCH : c;
}

/**
 * `.*R`, `.-R` and `.+R` from start s try R at every position >= s (`.+`: > s); R's outcome at a
 * position does not depend on s (no capture precedes it), so once the start 0 has failed without
 * an error, every later start would fail the same way: Lua's result with a fraction of the work.
 */
function leadsWithAnyRun(pat: Uint8Array): boolean {
  return pat[0] === DOT && (pat[1] === STAR || pat[1] === MINUS || pat[1] === PLUS);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** lstrlib.c `match_class`: `%x` items; an unknown letter or any other byte matches itself. */
function matchClass(c: number, cl: number): boolean {
  return CLASS_MATCH[(cl << 8) | c] === 1;
}

function computeMatchClass(c: number, cl: number): boolean {
  let bit: number;
  switch (toLowerAscii(cl)) {
    case 0x61: bit = ALPHA; break; // a
    case 0x63: bit = CNTRL; break; // c
    case 0x64: bit = DIGIT; break; // d
    case 0x6c: bit = LOWER; break; // l
    case 0x70: bit = PUNCT; break; // p
    case 0x73: bit = SPACE; break; // s
    case 0x75: bit = UPPER; break; // u
    case 0x77: bit = ALPHA | DIGIT; break; // w
    case 0x78: bit = XDIGIT; break; // x
    case 0x7a: return (c === 0) === isLowerAscii(cl); // z
    default: return cl === c;
  }
  const res = ((CLASSES[c] as number) & bit) !== 0;
  return isLowerAscii(cl) ? res : !res;
}

/** `CLASS_MATCH[(cl << 8) | c]` = match_class(c, cl), for every class byte and subject byte. */
const CLASS_MATCH: Uint8Array = Uint8Array.from({ length: 65536 }, (_, i) => (computeMatchClass(i & 0xff, i >> 8) ? 1 : 0));

function isLowerAscii(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}
