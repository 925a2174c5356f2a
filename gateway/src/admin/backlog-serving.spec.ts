import { servingOfHolder, servingOfRoute } from './backlog-serving';

it('counts a queue where its route serves its counts, and names that system', () => {
  expect(servingOfRoute({ mode: 'legacy', cluster: 'redis-a' })).toEqual({ system: 'redis-a', counted: ['redis-a'] });
  expect(servingOfRoute({ mode: 'pacer', legacyCluster: 'redis-a' })).toEqual({ system: 'pacer', counted: ['pacer'] });
  expect(servingOfRoute({ mode: 'pacer', legacyCluster: null })).toEqual({ system: 'pacer', counted: ['pacer'] });
  expect(servingOfRoute({ mode: 'shadow', legacyCluster: 'redis-a' })).toEqual({ system: 'redis-a', counted: ['redis-a'] });
  expect(servingOfRoute({ mode: 'migrating', legacyCluster: 'mysql-a', direction: 'to-legacy' })).toEqual({ system: 'mysql-a+pacer', counted: ['mysql-a', 'pacer'] });
  expect(servingOfHolder('redis-a')).toEqual({ system: 'redis-a', counted: ['redis-a'] });
});
