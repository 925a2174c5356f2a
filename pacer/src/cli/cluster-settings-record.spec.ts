import { clusterConfigRecord, clusterSettings, DEFAULT_MAX_PARTITIONS_IN_TRANSITION } from '../coordination/helix-records';
import { newRecord, type ZNRecord } from '../coordination/zn-record';
import { storedClusterSettings, withThrottle } from './cluster-settings-record';

const withMaxPartitionsInTransition = (config: ZNRecord | undefined, cluster: string, max: number): ZNRecord => withThrottle(config, cluster, 'ANY', max);

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
      byRebalanceType: { RECOVERY_BALANCE: { stored: null, inUse: null }, LOAD_BALANCE: { stored: null, inUse: null } },
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
    expect(clusterSettings(after)).toEqual({ delayRebalanceMs: 0, maxPartitionsInTransition: 1000, maxByRebalanceType: {} });
  });

  it('appends a CLUSTER-scope entry when there is none, and builds a new cluster\'s record when there is no record', () => {
    const after = withMaxPartitionsInTransition(recordWith([]), 'c1', 250);
    expect(after.listFields[THROTTLE]).toEqual([JSON.stringify({ THROTTLE_SCOPE: 'CLUSTER', MAX_PARTITION_IN_TRANSITION: '250' })]);
    expect(withMaxPartitionsInTransition(undefined, 'c1', 250)).toEqual(clusterConfigRecord('c1', { maxPartitionsInTransition: 250 }));
  });

  it('sets every CLUSTER-scope entry of type ANY, so the value the controller uses is the one written whichever entry it reads', () => {
    const typed = JSON.stringify({ THROTTLE_SCOPE: 'CLUSTER', REBALANCE_TYPE: 'LOAD_BALANCE', MAX_PARTITION_IN_TRANSITION: '30' });
    const two = recordWith([JSON.stringify({ THROTTLE_SCOPE: 'CLUSTER', MAX_PARTITION_IN_TRANSITION: '100' }), typed, JSON.stringify({ THROTTLE_SCOPE: 'CLUSTER', MAX_PARTITION_IN_TRANSITION: '300' })]);
    const after = withMaxPartitionsInTransition(two, 'c1', 40);
    expect(storedClusterSettings(after).maxPartitionsInTransition).toMatchObject({ stored: '40', inUse: 40 });
    expect(after.listFields[THROTTLE]?.filter((e) => e !== typed).every((e) => e.includes('"40"'))).toBe(true);
    expect(after.listFields[THROTTLE]?.[1]).toBe(typed); // the bound of one kind is its own setting
    expect(storedClusterSettings(after).byRebalanceType.LOAD_BALANCE).toEqual({ stored: '30', inUse: 30 });
  });
});

describe('withThrottle of one REBALANCE_TYPE', () => {
  it('appends an entry of the type, then changes only it; null removes the entries of the type', () => {
    const total = JSON.stringify({ THROTTLE_SCOPE: 'CLUSTER', MAX_PARTITION_IN_TRANSITION: '1000' });
    const added = withThrottle(recordWith([total]), 'c1', 'RECOVERY_BALANCE', 200);
    expect(added.listFields[THROTTLE]).toEqual([total, JSON.stringify({ THROTTLE_SCOPE: 'CLUSTER', REBALANCE_TYPE: 'RECOVERY_BALANCE', MAX_PARTITION_IN_TRANSITION: '200' })]);
    expect(clusterSettings(added)).toMatchObject({ maxPartitionsInTransition: 1000, maxByRebalanceType: { RECOVERY_BALANCE: 200 } });
    const changed = withThrottle(added, 'c1', 'RECOVERY_BALANCE', 50);
    expect(storedClusterSettings(changed).byRebalanceType).toEqual({ RECOVERY_BALANCE: { stored: '50', inUse: 50 }, LOAD_BALANCE: { stored: null, inUse: null } });
    expect(changed.listFields[THROTTLE]?.[0]).toBe(total);
    const removed = withThrottle(changed, 'c1', 'RECOVERY_BALANCE', null);
    expect(removed.listFields[THROTTLE]).toEqual([total]);
    expect(withThrottle(removed, 'c1', 'LOAD_BALANCE', null).listFields[THROTTLE]).toEqual([total]); // none to remove
  });

  it('a new cluster\'s record with a typed bound keeps the default total', () => {
    const fresh = withThrottle(undefined, 'c1', 'LOAD_BALANCE', 100);
    expect(clusterSettings(fresh)).toEqual({ delayRebalanceMs: 0, maxPartitionsInTransition: DEFAULT_MAX_PARTITIONS_IN_TRANSITION, maxByRebalanceType: { LOAD_BALANCE: 100 } });
  });
});
