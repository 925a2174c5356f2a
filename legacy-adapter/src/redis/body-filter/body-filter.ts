import { ErrorCode } from '../../../../core/src/errors/error-code';
import { BudgetExceededError, PinLaterError } from '../../../../core/src/errors/pinlater-error';
import type { Stats } from '../../../../core/src/interfaces/stats';
import { DEFAULT_BODY_FILTER_STEP_BUDGET } from '../../../../core/src/types/legacy-backend-options';
import { StepBudget } from '../../../../core/src/util/step-budget';
import { LuaPatternError, PatternStepLimitError } from '../lua-pattern/lua-pattern-errors';
import { LuaPatternMatcher } from '../lua-pattern/lua-pattern-matcher';
import { jedisDataMessage } from '../redis-errors';
import { redisStatNames } from '../redis-stat-names';

/** Longest stretch of matching before the filter lets other requests of the gateway run. */
const SLICE_MS = 10;

/**
 * `bodyRegexToMatch` on the legacy Redis backend: PinLater's Lua pattern (`string.match(body,
 * pattern)`, Lua 5.1), evaluated in the gateway by `LuaPatternMatcher` instead of inside a Redis
 * script, under the request's step budget (GATEWAY_BODY_FILTER_STEP_BUDGET, shared by every shard
 * and priority the request visits). A malformed pattern answers UNKNOWN with Jedis's message shape
 * and Lua's text, as PinLater's script error did (without the script hash and line); an exhausted
 * budget answers `BudgetExceededError` (UNKNOWN) saying how to narrow the filter.
 */
export class BodyFilter {
  private readonly matcher: LuaPatternMatcher;
  private lastYieldMs = Date.now();

  constructor(
    pattern: string,
    private readonly budget: StepBudget,
    private readonly stats: Stats,
  ) {
    this.matcher = LuaPatternMatcher.fromString(pattern);
  }

  /** A filter for `pattern` with the request's budget, or a budget of its own (direct store calls). */
  static of(pattern: string, budget: StepBudget | undefined, stats: Stats): BodyFilter {
    return new BodyFilter(pattern, budget ?? new StepBudget(DEFAULT_BODY_FILTER_STEP_BUDGET), stats);
  }

  matches(body: Buffer): boolean {
    const allowed = this.budget.remaining;
    try {
      return this.matcher.matches(body, allowed);
    } catch (e) {
      throw this.clientError(e, allowed > 0);
    } finally {
      this.budget.spend(this.matcher.stepsUsed);
    }
  }

  /** True once the filter has run SLICE_MS since it last let the event loop turn. */
  yieldDue(): boolean {
    return Date.now() - this.lastYieldMs >= SLICE_MS;
  }

  /** Lets timers and I/O of other requests run (setImmediate), then continues. */
  async yieldNow(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.lastYieldMs = Date.now();
  }

  /** `exhaustedHere`: this match used up the budget (other shards of the request then fail at once; counted once). */
  private clientError(e: unknown, exhaustedHere: boolean): unknown {
    if (e instanceof LuaPatternError) return new PinLaterError(ErrorCode.UNKNOWN, jedisDataMessage(`ERR bodyRegexToMatch: ${e.message}`), { cause: e });
    if (e instanceof PatternStepLimitError) {
      if (exhaustedHere) this.stats.incr(redisStatNames.bodyFilterBudgetExceeded);
      return new BudgetExceededError(budgetMessage(this.budget.limit), { cause: e });
    }
    return e;
  }
}

function budgetMessage(limit: number): string {
  return (
    `bodyRegexToMatch exceeded the body filter's budget of ${limit} match steps (GATEWAY_BODY_FILTER_STEP_BUDGET): ` +
    'narrow the Lua pattern (anchor it with ^, start it with a literal, avoid several unbounded repetitions such as a*a*) ' +
    'or the jobs it runs over (one priority, a smaller limit)'
  );
}
