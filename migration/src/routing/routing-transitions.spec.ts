import { ROUTING_MODES } from './routing-record';
import { TRANSITIONS, transition } from './routing-transitions';

describe('routing transitions', () => {
  it('allows legacy to pacer and back, and legacy to another legacy cluster, each with its preconditions', () => {
    expect(transition('legacy', 'pacer')?.preconditions).toEqual(['no-jobs-on-the-side-it-leaves']);
    expect(transition('pacer', 'legacy')?.preconditions).toEqual(['no-jobs-on-the-side-it-leaves', 'legacy-cluster-known']);
    expect(transition('legacy', 'legacy')?.preconditions).toEqual(['no-jobs-on-the-side-it-leaves', 'legacy-cluster-known']);
  });

  it('refuses every other change (the migration modes come with their issue)', () => {
    const allowed = new Set(TRANSITIONS.map((t) => `${t.from}>${t.to}`));
    for (const from of ROUTING_MODES) {
      for (const to of ROUTING_MODES) {
        expect(transition(from, to) !== undefined).toBe(allowed.has(`${from}>${to}`));
      }
    }
    expect(transition('pacer', 'pacer')).toBeUndefined();
    expect(transition('legacy', 'shadow')).toBeUndefined();
  });

  it('names what to run instead when a precondition fails', () => {
    for (const t of TRANSITIONS) expect(t.otherwise.length).toBeGreaterThan(10);
  });
});
