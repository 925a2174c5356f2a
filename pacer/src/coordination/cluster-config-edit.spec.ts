import { editClusterConfig } from './cluster-config-edit';
import { clusterConfigRecord, clusterSettings, THROTTLE_FIELD } from './helix-records';

describe('editClusterConfig', () => {
  const stored = clusterConfigRecord('c1', { maxPartitionsInTransition: 100, delayRebalanceMs: 30_000 });

  it('setting the throttle keeps the delayed rebalance as stored', () => {
    const after = editClusterConfig(stored, 'c1', { maxPartitionsInTransition: 1000 });
    expect(clusterSettings(after)).toEqual({ delayRebalanceMs: 30_000, maxPartitionsInTransition: 1000, maxByRebalanceType: {} });
    expect(after.simpleFields).toEqual(stored.simpleFields);
  });

  it('setting the delay keeps the throttle entries as stored, and 0 switches it off as a new cluster has it', () => {
    const other = JSON.stringify({ THROTTLE_SCOPE: 'RESOURCE', MAX_PARTITION_IN_TRANSITION: '7' });
    const withOther = editClusterConfig(stored, 'c1', {});
    withOther.listFields[THROTTLE_FIELD] = [...(withOther.listFields[THROTTLE_FIELD] ?? []), other];
    const after = editClusterConfig(withOther, 'c1', { delayRebalanceMs: 0 });
    expect(clusterSettings(after)).toEqual({ delayRebalanceMs: 0, maxPartitionsInTransition: 100, maxByRebalanceType: {} });
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

  it('a bound of one REBALANCE_TYPE: its own entries set, appended or removed (null); the total and other entries kept', () => {
    const typed = editClusterConfig(stored, 'c1', { maxByRebalanceType: { RECOVERY_BALANCE: 300 } });
    expect(clusterSettings(typed)).toEqual({ delayRebalanceMs: 30_000, maxPartitionsInTransition: 100, maxByRebalanceType: { RECOVERY_BALANCE: 300 } });
    const both = editClusterConfig(typed, 'c1', { maxPartitionsInTransition: 2000, maxByRebalanceType: { LOAD_BALANCE: 50 } });
    expect(clusterSettings(both)).toEqual({ delayRebalanceMs: 30_000, maxPartitionsInTransition: 2000, maxByRebalanceType: { RECOVERY_BALANCE: 300, LOAD_BALANCE: 50 } });
    const removed = editClusterConfig(both, 'c1', { maxByRebalanceType: { RECOVERY_BALANCE: null } });
    expect(clusterSettings(removed)).toEqual({ delayRebalanceMs: 30_000, maxPartitionsInTransition: 2000, maxByRebalanceType: { LOAD_BALANCE: 50 } });
    expect(clusterSettings(editClusterConfig(undefined, 'c1', { maxByRebalanceType: { LOAD_BALANCE: 10, RECOVERY_BALANCE: null } })))
      .toEqual({ delayRebalanceMs: 0, maxPartitionsInTransition: 1000, maxByRebalanceType: { LOAD_BALANCE: 10 } });
  });
});

describe('clusterSettings reads the throttle entries as Helix does', () => {
  const record = (...entries: object[]): ReturnType<typeof clusterConfigRecord> => {
    const r = clusterConfigRecord('c1');
    r.listFields[THROTTLE_FIELD] = entries.map((e) => JSON.stringify(e));
    return r;
  };

  it('REBALANCE_TYPE absent or ANY: the total; RECOVERY_BALANCE or LOAD_BALANCE: that kind; another type or scope: ignored; the last valid entry wins', () => {
    const settings = clusterSettings(record(
      { THROTTLE_SCOPE: 'CLUSTER', MAX_PARTITION_IN_TRANSITION: '10' },
      { THROTTLE_SCOPE: 'CLUSTER', REBALANCE_TYPE: 'ANY', MAX_PARTITION_IN_TRANSITION: '20' },
      { THROTTLE_SCOPE: 'CLUSTER', REBALANCE_TYPE: 'RECOVERY_BALANCE', MAX_PARTITION_IN_TRANSITION: '5' },
      { THROTTLE_SCOPE: 'CLUSTER', REBALANCE_TYPE: 'LOAD_BALANCE', MAX_PARTITION_IN_TRANSITION: 'many' },
      { THROTTLE_SCOPE: 'CLUSTER', REBALANCE_TYPE: 'NONE', MAX_PARTITION_IN_TRANSITION: '1' },
      { THROTTLE_SCOPE: 'RESOURCE', REBALANCE_TYPE: 'LOAD_BALANCE', MAX_PARTITION_IN_TRANSITION: '2' },
    ));
    expect(settings).toEqual({ delayRebalanceMs: 0, maxPartitionsInTransition: 20, maxByRebalanceType: { RECOVERY_BALANCE: 5 } });
  });

  it('only typed entries: the total is the default', () => {
    expect(clusterSettings(record({ THROTTLE_SCOPE: 'CLUSTER', REBALANCE_TYPE: 'LOAD_BALANCE', MAX_PARTITION_IN_TRANSITION: '7' })))
      .toEqual({ delayRebalanceMs: 0, maxPartitionsInTransition: 1000, maxByRebalanceType: { LOAD_BALANCE: 7 } });
  });
});
