/**
 * How much work one request may still do, in abstract steps (e.g. the Lua-pattern body filter's
 * match steps). One instance per request, shared by every shard and priority the request visits,
 * so that the bound holds for the request as a whole. Spending past the limit is the spender's
 * business: it checks `remaining` before and throws its own error (the budget only keeps count).
 */
export class StepBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  get spent(): number {
    return this.used;
  }

  get remaining(): number {
    return Math.max(0, this.limit - this.used);
  }

  spend(steps: number): void {
    this.used += steps;
  }
}
