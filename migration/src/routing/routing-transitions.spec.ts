import { MIGRATION_DIRECTIONS, ROUTING_MODES } from './routing-record';
import { TRANSITIONS, transition, type ModeState } from './routing-transitions';

const migrating = (direction: 'to-pacer' | 'to-legacy'): ModeState => ({ mode: 'migrating', direction });

describe('routing transitions', () => {
  it('allows legacy to pacer and back, and legacy to another legacy cluster, each with its preconditions', () => {
    expect(transition('legacy', 'pacer')?.preconditions).toEqual(['no-jobs-on-the-side-it-leaves']);
    expect(transition('pacer', 'legacy')?.preconditions).toEqual(['no-jobs-on-the-side-it-leaves', 'legacy-cluster-known']);
    expect(transition('legacy', 'legacy')?.preconditions).toEqual(['no-jobs-on-the-side-it-leaves', 'legacy-cluster-known']);
  });

  it('has the migration rows (docs/migration.md "Modes"), directions included', () => {
    expect(transition('legacy', migrating('to-pacer'))?.preconditions).toEqual(['pacer-configured', 'no-migration-in-progress']);
    expect(transition(migrating('to-pacer'), 'pacer')?.preconditions).toEqual(['source-drained']);
    expect(transition(migrating('to-pacer'), migrating('to-legacy'))?.preconditions).toEqual(['legacy-cluster-known']);
    expect(transition('pacer', migrating('to-legacy'))?.preconditions).toEqual(['legacy-cluster-known']);
    expect(transition(migrating('to-legacy'), 'legacy')?.preconditions).toEqual(['source-drained']);
    expect(transition('pacer', 'finalized')?.preconditions).toEqual(['legacy-side-empty', 'verification-matches']);
  });

  it('has the shadow rows (issue 13): legacy to shadow and back, and shadow as the mode before migrating', () => {
    expect(transition('legacy', 'shadow')?.preconditions).toEqual(['pacer-configured', 'no-migration-in-progress', 'shadow-queue-available']);
    expect(transition('shadow', 'legacy')?.preconditions).toEqual([]);
    expect(transition('shadow', migrating('to-pacer'))?.preconditions).toEqual(['pacer-configured', 'no-migration-in-progress']);
    expect(transition('shadow', migrating('to-legacy'))).toBeUndefined();
    expect(transition('shadow', 'pacer')).toBeUndefined(); // only through the migration (the copier moves the jobs)
    expect(transition('pacer', 'shadow')).toBeUndefined();
    expect(transition(migrating('to-pacer'), 'shadow')).toBeUndefined(); // a rollback goes to legacy, never back to shadow
    expect(transition(migrating('to-legacy'), 'shadow')).toBeUndefined();
    expect(transition('shadow', 'shadow')).toBeUndefined();
    expect(transition('shadow', 'finalized')).toBeUndefined();
    expect(transition('legacy', 'shadow')?.otherwise).toContain('pinlater-ops shadow start <queue>');
    expect(transition('shadow', 'legacy')?.otherwise).toContain('pinlater-ops shadow stop <queue>');
  });

  it('tells the directions apart: a migration never starts towards legacy nor ends on the side it leaves', () => {
    expect(transition('legacy', migrating('to-legacy'))).toBeUndefined();
    expect(transition('pacer', migrating('to-pacer'))).toBeUndefined();
    expect(transition(migrating('to-pacer'), 'legacy')).toBeUndefined();
    expect(transition(migrating('to-legacy'), 'pacer')).toBeUndefined();
    expect(transition(migrating('to-legacy'), migrating('to-pacer'))).toBeUndefined();
    expect(transition(migrating('to-pacer'), migrating('to-pacer'))).toBeUndefined();
    expect(transition('legacy', 'migrating')).toBeUndefined(); // a migrating side without its direction
  });

  it('refuses every other change', () => {
    const sides: ModeState[] = ROUTING_MODES.flatMap((mode) => (mode === 'migrating' ? MIGRATION_DIRECTIONS.map(migrating) : [{ mode }]));
    const key = (mode: string, direction: string | undefined): string => `${mode}/${direction ?? ''}`;
    const allowed = new Set(TRANSITIONS.map((t) => `${key(t.from, t.fromDirection)}>${key(t.to, t.toDirection)}`));
    expect(allowed.size).toBe(TRANSITIONS.length);
    for (const from of sides) {
      for (const to of sides) {
        expect(transition(from, to) !== undefined).toBe(allowed.has(`${key(from.mode, from.direction)}>${key(to.mode, to.direction)}`));
      }
    }
    expect(transition('pacer', 'pacer')).toBeUndefined();
    expect(transition('pacer', 'shadow')).toBeUndefined();
    expect(transition('legacy', 'finalized')).toBeUndefined();
    expect(transition('finalized', 'pacer')).toBeUndefined();
  });

  it('names what to run instead when a precondition fails: the migration commands for a direct route with jobs left', () => {
    for (const t of TRANSITIONS) expect(t.otherwise.length).toBeGreaterThan(10);
    expect(transition('legacy', 'pacer')?.otherwise).toContain('pinlater-ops migrate start <queue>');
    expect(transition('pacer', 'legacy')?.otherwise).toContain('pinlater-ops rollback <queue>');
    expect(transition(migrating('to-pacer'), 'pacer')?.otherwise).toContain('pinlater-ops migrate status <queue>');
  });
});
