import { editClusterConfig } from './cluster-config-edit';
import { clusterConfigRecord, clusterSettings, THROTTLE_FIELD } from './helix-records';

describe('editClusterConfig', () => {
  const stored = clusterConfigRecord('c1', { maxPartitionsInTransition: 100, delayRebalanceMs: 30_000 });

  it('setting the throttle keeps the delayed rebalance as stored', () => {
    const after = editClusterConfig(stored, 'c1', { maxPartitionsInTransition: 1000 });
    expect(clusterSettings(after)).toEqual({ delayRebalanceMs: 30_000, maxPartitionsInTransition: 1000 });
    expect(after.simpleFields).toEqual(stored.simpleFields);
  });

  it('setting the delay keeps the throttle entries as stored, and 0 switches it off as a new cluster has it', () => {
    const other = JSON.stringify({ THROTTLE_SCOPE: 'RESOURCE', MAX_PARTITION_IN_TRANSITION: '7' });
    const withOther = editClusterConfig(stored, 'c1', {});
    withOther.listFields[THROTTLE_FIELD] = [...(withOther.listFields[THROTTLE_FIELD] ?? []), other];
    const after = editClusterConfig(withOther, 'c1', { delayRebalanceMs: 0 });
    expect(clusterSettings(after)).toEqual({ delayRebalanceMs: 0, maxPartitionsInTransition: 100 });
    expect(after.listFields[THROTTLE_FIELD]).toEqual(withOther.listFields[THROTTLE_FIELD]);
    expect(after.simpleFields).toMatchObject({ DELAY_REBALANCE_ENABLED: 'false', DELAY_REBALANCE_TIME: '-1' });
  });

  it('changes nothing it is not given, never changes its input, and builds a new cluster\'s record when there is none', () => {
    expect(editClusterConfig(stored, 'c1', {})).toEqual(stored);
    const copy = JSON.stringify(stored);
    editClusterConfig(stored, 'c1', { maxPartitionsInTransition: 5, delayRebalanceMs: 1 });
    expect(JSON.stringify(stored)).toBe(copy);
    expect(editClusterConfig(undefined, 'c1', { maxPartitionsInTransition: 250 })).toEqual(clusterConfigRecord('c1', { maxPartitionsInTransition: 250 }));
  });
});
