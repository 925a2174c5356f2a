import type { InstanceSnapshot, PartitionCurrentState } from './cluster-data';
import type { TransitionMessage } from './helix-message';
import { generateTransitions, type GenerationInput, type PlannedTransition } from './message-generation';
import { seededRandom as prng } from '../../../test/support/seeded-random';

type States = Record<string, Record<string, PartitionCurrentState>>;

const Q = 'q';
const parts = (n: number): string[] => Array.from({ length: n }, (_, i) => `${Q}_${i}`);

function online(...partitions: string[]): States {
  return { [Q]: Object.fromEntries(partitions.map((p) => [p, { state: 'ONLINE', endTimeMs: 0 }])) };
}

let msgSeq = 0;
function pending(partition: string, fromState: string, toState: string, tgtSessionId: string): TransitionMessage {
  msgSeq++;
  return { id: `m${msgSeq}`, type: 'STATE_TRANSITION', state: 'NEW', tgtSessionId, resource: Q, partition, fromState, toState, createdMs: 0 };
}

function instance(name: string, currentStates: States = {}, pendingMessages: TransitionMessage[] = []): InstanceSnapshot {
  return { name, sessionId: `sess-${name}`, currentStates, pendingMessages, staleMessageIds: [] };
}

function input(live: InstanceSnapshot[], targets: Record<string, string>, partitions: string[], over: Partial<GenerationInput> = {}): GenerationInput {
  return { targets: { [Q]: targets }, partitions: { [Q]: partitions }, live, maxInTransition: 100, nowMs: 10_000, errorRetryMs: 2000, ...over };
}

const brief = (t: PlannedTransition): string => `${t.instance}:${t.partition}:${t.fromState}->${t.toState}`;

describe('generateTransitions', () => {
  it('brings unserved target partitions ONLINE, addressed to the live session', () => {
    const r = generateTransitions(input([instance('a'), instance('b')], { q_0: 'a', q_1: 'b' }, parts(2)));
    expect(r.transitions.map(brief).sort()).toEqual(['a:q_0:OFFLINE->ONLINE', 'b:q_1:OFFLINE->ONLINE']);
    for (const t of r.transitions) expect(t.sessionId).toBe(`sess-${t.instance}`);
    expect(r.throttled).toBe(0);
  });

  it('emits nothing when the current state already matches the best possible', () => {
    const r = generateTransitions(input([instance('a', online('q_0')), instance('b', online('q_1'))], { q_0: 'a', q_1: 'b' }, parts(2)));
    expect(r.transitions).toEqual([]);
  });

  it('skips a partition that already has a pending message to the same state', () => {
    const b = instance('b', {}, [pending('q_1', 'OFFLINE', 'ONLINE', 'sess-b')]);
    const r = generateTransitions(input([instance('a'), b], { q_0: 'a', q_1: 'b' }, parts(2)));
    expect(r.transitions.map(brief)).toEqual(['a:q_0:OFFLINE->ONLINE']);
  });

  it('moves a partition in two phases: ONLINE->OFFLINE on the old owner first, ONLINE on the new one after', () => {
    // Phase 1: the old owner still holds it ONLINE: only the OFFLINE transition.
    const phase1 = generateTransitions(input([instance('a', online('q_0')), instance('b')], { q_0: 'b' }, parts(1)));
    expect(phase1.transitions.map(brief)).toEqual(['a:q_0:ONLINE->OFFLINE']);
    expect(phase1.transitions[0]?.sessionId).toBe('sess-a');

    // While that message is pending (the old owner still ONLINE): nothing new for the partition.
    const whilePending = generateTransitions(
      input([instance('a', online('q_0'), [pending('q_0', 'ONLINE', 'OFFLINE', 'sess-a')]), instance('b')], { q_0: 'b' }, parts(1)),
    );
    expect(whilePending.transitions).toEqual([]);

    // The old owner reported OFFLINE: now the new owner goes ONLINE.
    const offline = { [Q]: { q_0: { state: 'OFFLINE', endTimeMs: 0 } } };
    const phase2 = generateTransitions(input([instance('a', offline), instance('b')], { q_0: 'b' }, parts(1)));
    expect(phase2.transitions.map(brief)).toEqual(['b:q_0:OFFLINE->ONLINE']);
  });

  it('never sends ONLINE while another instance has a pending message for the partition, even one that is OFFLINE already', () => {
    const a = instance('a', { [Q]: { q_0: { state: 'OFFLINE', endTimeMs: 0 } } }, [pending('q_0', 'OFFLINE', 'ONLINE', 'sess-a')]);
    const r = generateTransitions(input([a, instance('b')], { q_0: 'b' }, parts(1)));
    expect(r.transitions).toEqual([]);
  });

  it('an owner whose session is gone (not live) does not block the new owner', () => {
    // 'a' is not in `live`: its partitions are free at once.
    const r = generateTransitions(input([instance('b')], { q_0: 'b' }, parts(1)));
    expect(r.transitions.map(brief)).toEqual(['b:q_0:OFFLINE->ONLINE']);
  });

  it('takes a partition out of ERROR on a non-target instance before the target goes ONLINE', () => {
    const a = instance('a', { [Q]: { q_0: { state: 'ERROR', endTimeMs: 0 } } });
    const r = generateTransitions(input([a, instance('b')], { q_0: 'b' }, parts(1)));
    expect(r.transitions.map(brief)).toEqual(['a:q_0:ERROR->OFFLINE']);
  });

  it('drops partitions that left the ideal state: ONLINE->OFFLINE, then OFFLINE->DROPPED', () => {
    const first = generateTransitions(input([instance('a', online('q_0', 'q_1'))], { q_0: 'a' }, ['q_0']));
    expect(first.transitions.map(brief)).toEqual(['a:q_1:ONLINE->OFFLINE']);
    const second = generateTransitions(
      input([instance('a', { [Q]: { q_0: { state: 'ONLINE', endTimeMs: 0 }, q_1: { state: 'OFFLINE', endTimeMs: 0 } } })], { q_0: 'a' }, ['q_0']),
    );
    expect(second.transitions.map(brief)).toEqual(['a:q_1:OFFLINE->DROPPED']);
  });

  describe('throttle (MAX_PARTITION_IN_TRANSITION)', () => {
    it('sends at most maxInTransition transitions and reports the rest as throttled', () => {
      const targets = Object.fromEntries(parts(10).map((p) => [p, 'a']));
      const r = generateTransitions(input([instance('a')], targets, parts(10), { maxInTransition: 3 }));
      expect(r.transitions).toHaveLength(3);
      expect(r.throttled).toBe(7);
    });

    it('counts pending messages against the limit', () => {
      const targets = Object.fromEntries(parts(10).map((p) => [p, 'a']));
      const a = instance('a', {}, [pending('q_0', 'OFFLINE', 'ONLINE', 'sess-a'), pending('q_1', 'OFFLINE', 'ONLINE', 'sess-a')]);
      const r = generateTransitions(input([a], targets, parts(10), { maxInTransition: 3 }));
      expect(r.transitions).toHaveLength(1);
      expect(r.transitions[0]?.partition).not.toMatch(/^q_[01]$/);
      expect(r.throttled).toBe(7);
    });

    it('sends nothing when pending messages already fill (or exceed) the limit', () => {
      const targets = Object.fromEntries(parts(4).map((p) => [p, 'b']));
      const a = instance('a', online(...parts(4)), [pending('q_0', 'ONLINE', 'OFFLINE', 'sess-a'), pending('q_1', 'ONLINE', 'OFFLINE', 'sess-a')]);
      expect(generateTransitions(input([a, instance('b')], targets, parts(4), { maxInTransition: 2 })).transitions).toEqual([]);
      expect(generateTransitions(input([a, instance('b')], targets, parts(4), { maxInTransition: 1 })).transitions).toEqual([]);
    });

    it('names the resources of throttled transitions as deferred (the next run plans them again)', () => {
      const targets = Object.fromEntries(parts(10).map((p) => [p, 'a']));
      const r = generateTransitions(input([instance('a')], targets, parts(10), { maxInTransition: 3 }));
      expect(r.deferredResources).toEqual([Q]);
      expect(generateTransitions(input([instance('a')], targets, parts(10), { maxInTransition: 10 })).deferredResources).toEqual([]);
    });

    it('plans nothing in an incremental run with no room, and keeps its whole scope deferred', () => {
      const targets = Object.fromEntries(parts(4).map((p) => [p, 'a']));
      const a = instance('a', {}, [pending('q_0', 'OFFLINE', 'ONLINE', 'sess-a'), pending('q_1', 'OFFLINE', 'ONLINE', 'sess-a')]);
      const r = generateTransitions(input([a], targets, parts(4), { maxInTransition: 2, scope: new Set([Q, 'other']) }));
      expect(r.transitions).toEqual([]);
      expect(r.deferredResources).toEqual(['other', Q].sort());
    });

    it('plans only the resources in scope', () => {
      const targets = { [Q]: { q_0: 'a' }, other: { other_0: 'a' } };
      const r = generateTransitions({ ...input([instance('a')], {}, []), targets, partitions: { [Q]: ['q_0'], other: ['other_0'] }, scope: new Set(['other']) });
      expect(r.transitions.map(brief)).toEqual(['a:other_0:OFFLINE->ONLINE']);
    });

    it('gives unserved partitions (recoveries) priority over hand-offs', () => {
      // q_0..q_3 move from a to b (hand-offs); q_4 is unserved and targets a.
      const targets: Record<string, string> = { q_0: 'b', q_1: 'b', q_2: 'b', q_3: 'b', q_4: 'a' };
      const r = generateTransitions(input([instance('a', online('q_0', 'q_1', 'q_2', 'q_3')), instance('b')], targets, parts(5), { maxInTransition: 2 }));
      expect(r.transitions.map(brief)).toEqual(['a:q_4:OFFLINE->ONLINE', 'a:q_0:ONLINE->OFFLINE']);
    });
  });

  describe('throttle of one REBALANCE_TYPE (maxByType, on top of the total)', () => {
    // q_0..q_3 move from a to b (hand-offs: LOAD_BALANCE); q_4..q_9 are unserved and target a (RECOVERY_BALANCE).
    const targets: Record<string, string> = { q_0: 'b', q_1: 'b', q_2: 'b', q_3: 'b', q_4: 'a', q_5: 'a', q_6: 'a', q_7: 'a', q_8: 'a', q_9: 'a' };
    const cluster = (): InstanceSnapshot[] => [instance('a', online('q_0', 'q_1', 'q_2', 'q_3')), instance('b')];
    const kinds = (ts: PlannedTransition[]): { recoveries: number; handOffs: number } => ({
      recoveries: ts.filter((t) => t.toState === 'ONLINE').length, handOffs: ts.filter((t) => t.toState === 'OFFLINE').length,
    });

    it('LOAD_BALANCE bounds hand-offs only: every recovery goes out, the total still applies', () => {
      const r = generateTransitions(input(cluster(), targets, parts(10), { maxInTransition: 100, maxByType: { LOAD_BALANCE: 1 } }));
      expect(kinds(r.transitions)).toEqual({ recoveries: 6, handOffs: 1 });
      expect(r.throttled).toBe(3);
      expect(r.deferredResources).toEqual([Q]);
      const total = generateTransitions(input(cluster(), targets, parts(10), { maxInTransition: 4, maxByType: { LOAD_BALANCE: 1 } }));
      expect(kinds(total.transitions)).toEqual({ recoveries: 4, handOffs: 0 });
    });

    it('RECOVERY_BALANCE bounds recoveries only: a kind held back leaves the total\'s room to the other', () => {
      const r = generateTransitions(input(cluster(), targets, parts(10), { maxInTransition: 5, maxByType: { RECOVERY_BALANCE: 2 } }));
      expect(kinds(r.transitions)).toEqual({ recoveries: 2, handOffs: 3 });
      expect(r.throttled).toBe(5);
    });

    it('counts pending messages by their target state against their kind', () => {
      const a = instance('a', online('q_0', 'q_1', 'q_2', 'q_3'), [pending('q_0', 'ONLINE', 'OFFLINE', 'sess-a')]);
      const b = instance('b', {}, [pending('q_4', 'OFFLINE', 'ONLINE', 'sess-b')]);
      // q_0 and q_4 are in transition already: one hand-off (the LOAD_BALANCE bound is full), one recovery.
      const r = generateTransitions(input([a, b], { ...targets, q_4: 'b' }, parts(10), { maxInTransition: 100, maxByType: { LOAD_BALANCE: 1, RECOVERY_BALANCE: 3 } }));
      expect(kinds(r.transitions)).toEqual({ recoveries: 2, handOffs: 0 });
    });

    it('plans nothing in an incremental run when both kinds are full', () => {
      const a = instance('a', online('q_0', 'q_1', 'q_2', 'q_3'), [pending('q_0', 'ONLINE', 'OFFLINE', 'sess-a')]);
      const b = instance('b', {}, [pending('q_4', 'OFFLINE', 'ONLINE', 'sess-b')]);
      const full = generateTransitions(input([a, b], targets, parts(10), { maxByType: { LOAD_BALANCE: 1, RECOVERY_BALANCE: 1 }, scope: new Set([Q]) }));
      expect(full).toEqual({ transitions: [], throttled: 0, deferredResources: [Q] });
      const oneFull = generateTransitions(input([a, b], targets, parts(10), { maxByType: { LOAD_BALANCE: 1 }, scope: new Set([Q]) }));
      expect(kinds(oneFull.transitions)).toEqual({ recoveries: 5, handOffs: 0 });
    });
  });

  describe('ERROR retry', () => {
    const errorAt = (endTimeMs: number): States => ({ [Q]: { q_0: { state: 'ERROR', endTimeMs } } });

    it('waits errorRetryMs after the failure and reports when the retry is due', () => {
      const r = generateTransitions(input([instance('a', errorAt(9_000))], { q_0: 'a' }, parts(1), { nowMs: 10_000, errorRetryMs: 2000 }));
      expect(r.transitions).toEqual([]);
      expect(r.retryAtMs).toBe(11_000);
    });

    it('retries ERROR->ONLINE on the target once due', () => {
      const r = generateTransitions(input([instance('a', errorAt(9_000))], { q_0: 'a' }, parts(1), { nowMs: 11_000, errorRetryMs: 2000 }));
      expect(r.transitions.map(brief)).toEqual(['a:q_0:ERROR->ONLINE']);
      expect(r.retryAtMs).toBeUndefined();
    });

    it('reports the earliest due time across partitions', () => {
      const states = { [Q]: { q_0: { state: 'ERROR', endTimeMs: 9_500 }, q_1: { state: 'ERROR', endTimeMs: 9_000 } } };
      const r = generateTransitions(input([instance('a', states)], { q_0: 'a', q_1: 'a' }, parts(2), { nowMs: 10_000, errorRetryMs: 2000 }));
      expect(r.retryAtMs).toBe(11_000);
    });
  });

  describe('simulated rebalance (random completion order)', () => {
    it.each([1, 2, 3, 7])('with maxInTransition=%i: limit held, single owner kept, converges', (max) => {
      for (let seed = 1; seed <= 20; seed++) {
        const rand = prng(seed * 31 + max);
        const names = ['a', 'b', 'c'];
        const partitions = parts(12);
        const states = new Map<string, Map<string, string>>(names.map((n) => [n, new Map()]));
        // Everything starts ONLINE on 'a'; targets spread round-robin over a, b, c.
        for (const p of partitions) states.get('a')?.set(p, 'ONLINE');
        const targets = Object.fromEntries(partitions.map((p, i) => [p, names[i % 3] ?? 'a']));
        const inbox = new Map<string, PlannedTransition[]>(names.map((n) => [n, []]));
        const snapshot = (): InstanceSnapshot[] =>
          names.map((n) => {
            const cs: States = { [Q]: Object.fromEntries([...(states.get(n) ?? [])].map(([p, s]) => [p, { state: s, endTimeMs: 0 }])) };
            const msgs = (inbox.get(n) ?? []).map((t) => pending(t.partition, t.fromState, t.toState, t.sessionId));
            return instance(n, cs, msgs);
          });
        let steps = 0;
        for (;;) {
          const live = snapshot();
          const r = generateTransitions(input(live, targets, partitions, { maxInTransition: max }));
          for (const t of r.transitions) {
            expect(t.sessionId).toBe(`sess-${t.instance}`);
            if (t.toState === 'ONLINE') {
              for (const other of live) {
                if (other.name === t.instance) continue;
                expect(other.currentStates[Q]?.[t.partition]?.state).not.toBe('ONLINE');
                expect(other.pendingMessages.some((m) => m.partition === t.partition)).toBe(false);
              }
            }
            inbox.get(t.instance)?.push(t);
          }
          const outstanding = [...inbox.values()].flat();
          expect(outstanding.length).toBeLessThanOrEqual(max);
          expect(new Set(outstanding.map((t) => t.partition)).size).toBeLessThanOrEqual(max);
          if (outstanding.length === 0) break;
          // A random participant completes a random one of its messages.
          const idx = Math.floor(rand() * outstanding.length);
          const done = outstanding[idx];
          if (!done) throw new Error('no message');
          const box = inbox.get(done.instance) ?? [];
          box.splice(box.indexOf(done), 1);
          states.get(done.instance)?.set(done.partition, done.toState);
          if (++steps > 500) throw new Error('did not converge');
        }
        for (const p of partitions) {
          const owners = names.filter((n) => states.get(n)?.get(p) === 'ONLINE');
          expect(owners).toEqual([targets[p]]);
        }
      }
    });
  });
});
