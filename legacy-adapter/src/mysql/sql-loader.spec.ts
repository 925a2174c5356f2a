import { loadSql, renderSql } from './sql-loader';

describe('legacy MySQL statements (core/src/sql/sql-loader.ts)', () => {
  it('fills identifier slots and refuses a statement whose slot has no value', () => {
    expect(renderSql('drop-database', { db: 'plq_1_q' })).toBe('DROP DATABASE IF EXISTS plq_1_q');
    expect(() => renderSql('drop-database')).toThrow(/\{\{db\}\} of drop-database/);
  });

  it('loads every statement PinLater runs with placeholders, not pasted values', () => {
    expect(loadSql('dequeue-claim')).toBe('UPDATE {{table}} SET claim_descriptor = ?, state = ? WHERE state = ? AND run_after <= NOW() LIMIT ?');
    expect(loadSql('body-regex-clause')).toBe('AND body REGEXP ?');
    expect(loadSql('checkpoint-footer')).toBe('WHERE local_id = ? AND state = ? AND claim_descriptor LIKE ?');
  });
});
