import { quoteIdentifier } from '../../../core/src/sql/quote-identifier';
import { classifyDatabase, databaseName, jobsTableName, queueNamesFromCatalog, quotedDatabase, quotedJobsTable, shardName } from './tables';

describe('legacy MySQL naming (FACTS §5.2)', () => {
  it('builds shard, database and table names as PinLater does', () => {
    expect(shardName(1, 0)).toBe('1');
    expect(shardName(2, 3)).toBe('2d3');
    expect(databaseName('1', 'myq')).toBe('plq_1_myq');
    expect(databaseName('2d3', 'myq')).toBe('plq_2d3_myq');
    expect(jobsTableName('1d1', 'myq', 2)).toBe('plq_1d1_myq.jobs_p2');
  });

  it('discovers queues of one shard only, keeping underscores in queue names', () => {
    const names = ['information_schema', 'plq_1_a', 'plq_1d1_b', 'plq_1_with_under_scores', 'plq_2_c', 'mysql'];
    expect(queueNamesFromCatalog(names, '1').queues).toEqual(new Set(['a', 'with_under_scores']));
    expect(queueNamesFromCatalog(names, '1d1').queues).toEqual(new Set(['b']));
  });

  it('matches the `plq` prefix without requiring the underscore, as PinLater', () => {
    expect(classifyDatabase('plqx_1_q', '1')).toEqual({ kind: 'queue', queue: 'q' });
    expect(classifyDatabase('plq_1_', '1')).toEqual({ kind: 'queue', queue: '' });
  });

  it('skips (and reports) plq names PinLater would throw on instead of failing the listing', () => {
    const { queues, malformed } = queueNamesFromCatalog(['plq', 'plq_', 'plqfoo', 'plq_1', 'plq_1_ok'], '1');
    expect(queues).toEqual(new Set(['ok']));
    expect(malformed).toEqual(['plq', 'plq_', 'plqfoo', 'plq_1']);
    expect(classifyDatabase('plq_2', '1')).toEqual({ kind: 'other' });
  });

  it('quotes every identifier that reaches SQL text, doubling backticks (issue 8, second defence)', () => {
    expect(quotedDatabase('1', 'myq')).toBe('`plq_1_myq`');
    expect(quotedJobsTable('1d1', 'myq', 2)).toBe('`plq_1d1_myq`.`jobs_p2`');
    expect(quoteIdentifier('a`b')).toBe('`a``b`');
    expect(quotedJobsTable('1', 'q`.jobs_p1 SET x=1 #', 1)).toBe('`plq_1_q``.jobs_p1 SET x=1 #`.`jobs_p1`');
    // Raw names stay PinLater's, for the catalog rule and for messages.
    expect(jobsTableName('1', 'q`x', 1)).toBe('plq_1_q`x.jobs_p1');
  });
});
