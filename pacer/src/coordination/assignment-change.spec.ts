import { assignmentChange, bounded, changeFields } from './assignment-change';

describe('assignmentChange', () => {
  it('lists each partition whose owner changed, in partition order, with null for no owner', () => {
    const change = assignmentChange('q', { q_0: 'b1', q_1: 'b1', q_2: 'b2', q_10: 'b1' }, { q_0: 'b1', q_1: 'b2', q_2: 'b2', q_3: 'b2', q_10: 'b2' });
    expect(change.moves).toEqual([
      { partition: 'q_1', from: 'b1', to: 'b2' },
      { partition: 'q_3', from: null, to: 'b2' },
      { partition: 'q_10', from: 'b1', to: 'b2' },
    ]);
    expect(change.owners).toEqual({ b1: 1, b2: 4 });
  });

  it('has no moves when only the record changed, not the owners', () => {
    expect(assignmentChange('q', { q_0: 'b1' }, { q_0: 'b1' }).moves).toEqual([]);
  });

  it('reports partitions left without an owner (no active instance) as unassigned', () => {
    const fields = changeFields(assignmentChange('q', { q_0: 'b1', q_1: 'b1' }, {}), 20);
    expect(fields).toEqual({ resource: 'q', changed: 2, moved: 0, assigned: 0, unassigned: 2, moves: ['q_0: b1 -> -', 'q_1: b1 -> -'], owners: {} });
  });
});

describe('changeFields', () => {
  it('keeps the line bounded in a big cluster: counts stay exact, lists stop at max', () => {
    const before: Record<string, string> = {};
    const after: Record<string, string> = {};
    for (let p = 0; p < 1000; p++) {
      before[`q_${p}`] = `b${p % 50}`;
      after[`q_${p}`] = `b${(p + 1) % 60}`;
    }
    const fields = changeFields(assignmentChange('q', before, after), 20);
    expect(fields).toMatchObject({ resource: 'q', changed: 1000, moved: 1000, assigned: 0, unassigned: 0, movesNotListed: 980, ownersNotListed: 40 });
    expect(fields.moves).toHaveLength(20);
    expect((fields.moves as string[])[0]).toBe('q_0: b0 -> b1');
    expect(Object.keys(fields.owners as object)).toHaveLength(20);
    expect(JSON.stringify(fields).length).toBeLessThan(2000);
  });

  it('lists owners with the most partitions first', () => {
    const fields = changeFields(assignmentChange('q', {}, { q_0: 'b2', q_1: 'b2', q_2: 'b1', q_3: 'b3', q_4: 'b3' }), 2);
    expect(fields.owners).toEqual({ b2: 2, b3: 2 });
    expect(fields.ownersNotListed).toBe(1);
    expect(fields).toMatchObject({ assigned: 5, moves: ['q_0: - -> b2', 'q_1: - -> b2'], movesNotListed: 3 });
  });
});

describe('bounded', () => {
  it('says how many were left out', () => {
    expect(bounded([1, 2, 3], 2)).toEqual({ listed: [1, 2], notListed: 1 });
    expect(bounded([1], 2)).toEqual({ listed: [1], notListed: 0 });
  });
});
