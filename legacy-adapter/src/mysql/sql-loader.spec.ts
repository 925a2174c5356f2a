import { fillSlots, loadSql, renderSql, stripComments } from './sql-loader';

describe('SQL loader', () => {
  it('drops header comments and joins the statement into one line', () => {
    expect(stripComments('-- header\n-- more\nSELECT 1\n  FROM t\n')).toBe('SELECT 1 FROM t');
  });

  it('fills identifier slots and refuses unknown ones', () => {
    expect(renderSql('drop-database', { db: 'plq_1_q' })).toBe('DROP DATABASE IF EXISTS plq_1_q');
    expect(() => fillSlots('SELECT {{nope}}', {})).toThrow(/\{\{nope\}\}/);
  });

  it('loads every statement PinLater runs with placeholders, not pasted values', () => {
    expect(loadSql('dequeue-claim')).toBe('UPDATE {{table}} SET claim_descriptor = ?, state = ? WHERE state = ? AND run_after <= NOW() LIMIT ?');
    expect(loadSql('body-regex-clause')).toBe('AND body REGEXP ?');
    expect(loadSql('checkpoint-footer')).toBe('WHERE local_id = ? AND state = ? AND claim_descriptor LIKE ?');
  });
});
