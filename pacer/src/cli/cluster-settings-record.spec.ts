import { clusterConfigRecord, clusterSettings, DEFAULT_MAX_PARTITIONS_IN_TRANSITION } from '../coordination/helix-records';
import { newRecord, type ZNRecord } from '../coordination/zn-record';
import { storedClusterSettings, withMaxPartitionsInTransition } from './cluster-settings-record';

const THROTTLE = 'STATE_TRANSITION_THROTTLE_CONFIGS';

function recordWith(entries: string[], simple: Record<string, string> = {}): ZNRecord {
  const r = newRecord('c1');
  r.simpleFields = { ...simple };
  r.listFields[THROTTLE] = entries;
  return r;
}

describe('storedClusterSettings', () => {
  it('shows the stored throttle and delay, what the controller uses, and the defaults', () => {
    const old = clusterConfigRecord('c1', { maxPartitionsInTransition: 100, delayRebalanceMs: 30_000 });
    expect(storedClusterSettings(old)).toEqual({
      configPresent: true,
      maxPartitionsInTransition: { stored: '100', inUse: 100, default: DEFAULT_MAX_PARTITIONS_IN_TRANSITION },
      delayRebalance: { storedEnabled: 'true', storedTimeMs: '30000', inUseMs: 30_000, defaultMs: 0 },
    });
  });

  it('falls back to the defaults the controller uses: no record, no CLUSTER-scope entry, a value that is not a positive number', () => {
    expect(storedClusterSettings(undefined)).toMatchObject({
      configPresent: false, maxPartitionsInTransition: { stored: null, inUse: DEFAULT_MAX_PARTITIONS_IN_TRANSITION }, delayRebalance: { storedEnabled: null, storedTimeMs: null, inUseMs: 0 },
    });
    const resourceOnly = recordWith([JSON.stringify({ THROTTLE_SCOPE: 'RESOURCE', MAX_PARTITION_IN_TRANSITION: '5' })]);
    expect(storedClusterSettings(resourceOnly).maxPartitionsInTransition).toMatchObject({ stored: null, inUse: DEFAULT_MAX_PARTITIONS_IN_TRANSITION });
    const garbage = recordWith([JSON.stringify({ THROTTLE_SCOPE: 'CLUSTER', MAX_PARTITION_IN_TRANSITION: 'lots' }), 'not json']);
    expect(storedClusterSettings(garbage).maxPartitionsInTransition).toMatchObject({ stored: 'lots', inUse: DEFAULT_MAX_PARTITIONS_IN_TRANSITION });
  });
});

describe('withMaxPartitionsInTransition', () => {
  it('changes only MAX_PARTITION_IN_TRANSITION of the CLUSTER-scope entries: the delay, other entries and keys stay as stored', () => {
    const resource = JSON.stringify({ THROTTLE_SCOPE: 'RESOURCE', MAX_PARTITION_IN_TRANSITION: '7' });
    const before = recordWith(
      [resource, JSON.stringify({ THROTTLE_SCOPE: 'CLUSTER', REBALANCE_TYPE: 'ANY', MAX_PARTITION_IN_TRANSITION: '100' }), 'not json'],
      { DELAY_REBALANCE_ENABLED: 'false', DELAY_REBALANCE_TIME: '45000', OTHER: 'kept' },
    );
    const after = withMaxPartitionsInTransition(before, 'c1', 1000);
    expect(after.simpleFields).toEqual(before.simpleFields);
    expect(after.listFields[THROTTLE]).toEqual([resource, JSON.stringify({ THROTTLE_SCOPE: 'CLUSTER', REBALANCE_TYPE: 'ANY', MAX_PARTITION_IN_TRANSITION: '1000' }), 'not json']);
    expect(before.listFields[THROTTLE]?.[1]).toContain('"100"'); // the input is not changed
    expect(clusterSettings(after)).toEqual({ delayRebalanceMs: 0, maxPartitionsInTransition: 1000 });
  });

  it('appends a CLUSTER-scope entry when there is none, and builds a new cluster\'s record when there is no record', () => {
    const after = withMaxPartitionsInTransition(recordWith([]), 'c1', 250);
    expect(after.listFields[THROTTLE]).toEqual([JSON.stringify({ THROTTLE_SCOPE: 'CLUSTER', MAX_PARTITION_IN_TRANSITION: '250' })]);
    expect(withMaxPartitionsInTransition(undefined, 'c1', 250)).toEqual(clusterConfigRecord('c1', { maxPartitionsInTransition: 250 }));
  });

  it('sets every CLUSTER-scope entry, so the value the controller uses is the one written whichever entry it reads', () => {
    const two = recordWith([JSON.stringify({ THROTTLE_SCOPE: 'CLUSTER', MAX_PARTITION_IN_TRANSITION: '100' }), JSON.stringify({ THROTTLE_SCOPE: 'CLUSTER', MAX_PARTITION_IN_TRANSITION: '300' })]);
    const after = withMaxPartitionsInTransition(two, 'c1', 40);
    expect(storedClusterSettings(after).maxPartitionsInTransition).toMatchObject({ stored: '40', inUse: 40 });
    expect(after.listFields[THROTTLE]?.every((e) => e.includes('"40"'))).toBe(true);
  });
});
