import { parsePresence, serializePresence, type GatewayPresence } from './gateway-presence';
import { historyEntryOf, parseHistoryEntry, serializeHistoryEntry } from './routing-history';
import type { RoutingRecord } from './routing-record';

const to: RoutingRecord = { format: 1, queue: 'q', mode: 'pacer', legacyCluster: 'a', version: 2, changedAt: 't2', changedBy: 'bob', reason: 'move' };
const from: RoutingRecord = { ...to, mode: 'legacy', version: 1, changedAt: 't1', changedBy: 'alice', reason: 'adopt' };

describe('history entry format', () => {
  it('round-trips an entry, with its sequence number from the node name', () => {
    const entry = historyEntryOf(from, to, 7);
    expect(parseHistoryEntry(42, serializeHistoryEntry(entry))).toEqual({ ...entry, sequence: 42 });
    expect(historyEntryOf(undefined, { ...to, version: 1 }, 1).from).toBeNull();
  });

  it('reads nothing it does not understand (not JSON, newer format, broken record)', () => {
    expect(parseHistoryEntry(1, Buffer.from('{'))).toBeUndefined();
    expect(parseHistoryEntry(1, Buffer.from(JSON.stringify({ ...historyEntryOf(from, to, 7), format: 2 })))).toBeUndefined();
    expect(parseHistoryEntry(1, Buffer.from(JSON.stringify({ ...historyEntryOf(from, to, 7), to: { queue: 'q' } })))).toBeUndefined();
  });

  it('will not write an entry without a table version', () => {
    expect(() => serializeHistoryEntry(historyEntryOf(from, to, 0))).toThrow();
  });
});

describe('gateway presence format', () => {
  const presence: GatewayPresence = {
    format: 1, gatewayId: 'gw-1', host: 'h', pid: 1, startedAt: 't0', appliedVersion: 3, loaded: true, updatedAt: 't1',
  };

  it('round-trips, and reads nothing it does not understand', () => {
    expect(parsePresence(serializePresence(presence))).toEqual(presence);
    expect(parsePresence(Buffer.from('nope'))).toBeUndefined();
    expect(parsePresence(Buffer.from(JSON.stringify({ ...presence, appliedVersion: -1 })))).toBeUndefined();
  });
});
