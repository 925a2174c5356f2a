import { recordFieldsOf, routeOfRecord } from './record-route';
import type { RoutingRecord } from './routing-record';

const base: RoutingRecord = { format: 1, queue: 'q', mode: 'legacy', legacyCluster: 'a', version: 1, changedAt: 't', changedBy: 'x', reason: '' };

describe('record → route', () => {
  it('maps the served modes', () => {
    expect(routeOfRecord(base)).toEqual({ mode: 'legacy', cluster: 'a' });
    expect(routeOfRecord({ ...base, mode: 'pacer' })).toEqual({ mode: 'pacer', legacyCluster: 'a' });
    expect(routeOfRecord({ ...base, mode: 'pacer', legacyCluster: null })).toEqual({ mode: 'pacer', legacyCluster: null });
  });

  it('gives no route for the modes a gateway does not serve yet', () => {
    for (const mode of ['shadow', 'migrating', 'finalized'] as const) expect(routeOfRecord({ ...base, mode })).toBeUndefined();
  });

  it('turns a route back into record fields', () => {
    expect(recordFieldsOf({ mode: 'legacy', cluster: 'a' })).toEqual({ mode: 'legacy', legacyCluster: 'a' });
    expect(recordFieldsOf({ mode: 'pacer', legacyCluster: null })).toEqual({ mode: 'pacer', legacyCluster: null });
  });
});
