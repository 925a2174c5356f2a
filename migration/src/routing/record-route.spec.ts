import { recordFieldsOf, routeOfRecord } from './record-route';
import type { RoutingRecord } from './routing-record';

const base: RoutingRecord = { format: 1, queue: 'q', mode: 'legacy', legacyCluster: 'a', version: 1, changedAt: 't', changedBy: 'x', reason: '' };

describe('record → route', () => {
  it('maps the served modes', () => {
    expect(routeOfRecord(base)).toEqual({ mode: 'legacy', cluster: 'a' });
    expect(routeOfRecord({ ...base, mode: 'pacer' })).toEqual({ mode: 'pacer', legacyCluster: 'a' });
    expect(routeOfRecord({ ...base, mode: 'pacer', legacyCluster: null })).toEqual({ mode: 'pacer', legacyCluster: null });
  });

  it('serves a migrating record with its direction, and a finalized one as pacer keeping the legacy cluster', () => {
    expect(routeOfRecord({ ...base, mode: 'migrating', direction: 'to-pacer' })).toEqual({ mode: 'migrating', legacyCluster: 'a', direction: 'to-pacer' });
    expect(routeOfRecord({ ...base, mode: 'migrating', direction: 'to-legacy' })).toEqual({ mode: 'migrating', legacyCluster: 'a', direction: 'to-legacy' });
    expect(routeOfRecord({ ...base, mode: 'finalized' })).toEqual({ mode: 'pacer', legacyCluster: 'a' });
  });

  it('serves a shadow record from its legacy cluster (issue 13), and back', () => {
    expect(routeOfRecord({ ...base, mode: 'shadow' })).toEqual({ mode: 'shadow', legacyCluster: 'a' });
    expect(recordFieldsOf({ mode: 'shadow', legacyCluster: 'a' })).toEqual({ mode: 'shadow', legacyCluster: 'a' });
  });

  it('gives no route for a record missing what its mode needs', () => {
    expect(routeOfRecord({ ...base, mode: 'shadow', legacyCluster: null })).toBeUndefined();
    expect(routeOfRecord({ ...base, mode: 'migrating' })).toBeUndefined();
    expect(routeOfRecord({ ...base, mode: 'migrating', direction: 'to-pacer', legacyCluster: null })).toBeUndefined();
  });

  it('turns a route back into record fields', () => {
    expect(recordFieldsOf({ mode: 'legacy', cluster: 'a' })).toEqual({ mode: 'legacy', legacyCluster: 'a' });
    expect(recordFieldsOf({ mode: 'pacer', legacyCluster: null })).toEqual({ mode: 'pacer', legacyCluster: null });
    expect(recordFieldsOf({ mode: 'migrating', legacyCluster: 'a', direction: 'to-legacy' })).toEqual({ mode: 'migrating', legacyCluster: 'a', direction: 'to-legacy' });
  });
});
