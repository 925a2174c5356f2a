/**
 * The scenarios a runbook page may name (`<!-- runbook-scenario: <name> -->`): one file each in
 * this folder, listed here by name. Each creates its problem on the local bring-up and restores it
 * (test/runbooks/runbook-scenario.ts).
 */
import type { RunbookScenario, ScenarioLookup } from '../runbook-scenario';
import { jobsStuckInProgress } from './jobs-stuck-in-progress';
import { pacerBrokerDown } from './pacer-broker-down';
import { queuePaused } from './queue-paused';

const SCENARIOS: Readonly<Record<string, () => RunbookScenario>> = {
  'pacer-broker-down': pacerBrokerDown,
  'jobs-stuck-in-progress': jobsStuckInProgress,
  'queue-paused': queuePaused,
};

export const SCENARIO_NAMES: readonly string[] = Object.keys(SCENARIOS);

export const localScenarios: ScenarioLookup = (name) => SCENARIOS[name]?.();
