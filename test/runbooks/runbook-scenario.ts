/**
 * A runbook scenario: the problem a page fixes, created on the local bring-up before the page
 * runs (`<!-- runbook-scenario: <name> -->`, implemented in test/runbooks/scenarios/<name>.ts).
 *
 * The runner calls `create`, then the page's Verify blocks (each must FAIL: the problem is there),
 * then the page's diagnosis and fix blocks, then Verify again (must pass), and `restore` last,
 * whatever happened: `restore` undoes whatever the page did not (a process still stopped, jobs
 * still claimed, a queue still paused) and removes what `create` made, so the next page starts
 * from a healthy bring-up. Both are bounded in time by the scenario itself.
 */
export interface RunbookScenario {
  /** Creates the problem; resolves once it is observable the way the page's Verify looks at it. */
  create(): Promise<void>;
  /** Leaves the bring-up as healthy as before `create`, whatever the page did. */
  restore(): Promise<void>;
}

/** The scenario of that name, or undefined when none is implemented. */
export type ScenarioLookup = (name: string) => RunbookScenario | undefined;
