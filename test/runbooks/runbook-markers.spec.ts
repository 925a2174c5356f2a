/**
 * Every page of runbooks/ without the bring-up: its markers parse and the scenario it names is
 * implemented, so a typo fails in the unit stage instead of (silently) in the runbooks stage.
 */
import { runbookPages } from './runbook-pages';
import { SCENARIO_NAMES } from './scenarios/scenario-registry';

describe.each(runbookPages().map((page) => [page.file, page] as const))('%s', (_file, page) => {
  it('has markers that parse', () => {
    expect(page.problems).toEqual([]);
  });

  it('names only an implemented scenario', () => {
    if (page.scenario !== undefined) expect(SCENARIO_NAMES).toContain(page.scenario);
  });
});
