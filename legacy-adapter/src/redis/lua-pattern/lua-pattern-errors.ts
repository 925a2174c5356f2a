/**
 * An error Lua's `string.match` raises for a malformed pattern; `message` is Lua 5.1's text
 * exactly (e.g. "malformed pattern (missing ']')"), without the "user_script:N: " position
 * prefix Redis adds. Raised lazily, where Lua raises it: a malformed tail the matcher never
 * reaches for a given subject is no error for that subject.
 */
export class LuaPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LuaPatternError';
  }
}

/** The matcher did more work than it was allowed (`LuaPatternMatcher.matches`' `maxSteps`). */
export class PatternStepLimitError extends Error {
  constructor(readonly maxSteps: number) {
    super(`Lua pattern match exceeded ${maxSteps} steps`);
    this.name = 'PatternStepLimitError';
  }
}
