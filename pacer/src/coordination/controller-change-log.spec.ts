import { captureLogs } from '../../../test/support/log-capture';
import { assignmentChange } from './assignment-change';
import { ControllerChangeLog, MAX_LISTED, membershipEvents } from './controller-change-log';

const live = (entries: Record<string, string>): Map<string, string> => new Map(Object.entries(entries));

describe('ControllerChangeLog', () => {
  it('logs the membership it starts from once, then only the instances that joined or left', () => {
    const logs = captureLogs();
    const log = new ControllerChangeLog(logs.logger);
    log.leadershipGained();
    log.liveInstances(live({ b2: 's2', b1: 's1' }));
    log.liveInstances(live({ b2: 's2', b1: 's1' })); // nothing changed: nothing logged
    log.liveInstances(live({ b2: 's2' }));
    log.liveInstances(live({ b2: 's2' }));
    log.liveInstances(live({ b2: 's2', b1: 's3' }));
    expect(logs.lines().map(({ level, msg, instance, session, previousSession, instances, live: n }) => ({ level, msg, instance, session, previousSession, instances, live: n }))).toEqual([
      { level: 30, msg: 'controller took over: live instances', instances: ['b1', 'b2'], live: 2 },
      { level: 30, msg: 'instance left live instances', instance: 'b1', session: 's1', live: 1 },
      { level: 30, msg: 'instance joined live instances', instance: 'b1', session: 's3', live: 2 },
    ]);
  });

  it('reports a rejoin under a new session within one run as a join with the previous session', () => {
    const logs = captureLogs();
    const log = new ControllerChangeLog(logs.logger);
    log.liveInstances(live({ b1: 's1' }));
    log.liveInstances(live({ b1: 's9' }));
    expect(logs.withMsg('instance joined live instances')).toEqual([expect.objectContaining({ instance: 'b1', session: 's9', previousSession: 's1' })]);
  });

  it('starts over after leadership is gained again (the membership may have changed meanwhile)', () => {
    const logs = captureLogs();
    const log = new ControllerChangeLog(logs.logger);
    log.liveInstances(live({ b1: 's1' }));
    log.leadershipGained();
    log.liveInstances(live({ b1: 's1', b2: 's2' }));
    expect(logs.lines().map((l) => l.msg)).toEqual(['controller took over: live instances', 'controller took over: live instances']);
  });

  it('gives at most MAX_LISTED instances a line of their own per run, then one summary line', () => {
    const logs = captureLogs();
    const log = new ControllerChangeLog(logs.logger);
    log.liveInstances(new Map());
    const many = new Map(Array.from({ length: MAX_LISTED + 15 }, (_, i) => [`b${String(i).padStart(3, '0')}`, `s${i}`]));
    log.liveInstances(many);
    expect(logs.withMsg('instance joined live instances')).toHaveLength(MAX_LISTED);
    expect(logs.withMsg('more membership changes')).toEqual([expect.objectContaining({ joined: 15, left: 0, live: MAX_LISTED + 15 })]);
  });

  it('logs an assignment change with its moves, and nothing when no owner changed', () => {
    const logs = captureLogs();
    const log = new ControllerChangeLog(logs.logger);
    log.assignmentChanged(assignmentChange('q', { q_0: 'b1', q_1: 'b1' }, { q_0: 'b1', q_1: 'b2' }));
    log.assignmentChanged(assignmentChange('r', { r_0: 'b1' }, { r_0: 'b1' }));
    expect(logs.lines()).toEqual([expect.objectContaining({ level: 30, msg: 'assignment changed', resource: 'q', moved: 1, moves: ['q_1: b1 -> b2'], owners: { b1: 1, b2: 1 } })]);
  });
});

describe('membershipEvents', () => {
  it('lists departures first, then arrivals, each by name', () => {
    expect(membershipEvents(live({ c: '1', a: '2', b: '3' }), live({ d: '4', b: '3', e: '5' })).map((e) => `${e.kind} ${e.instance}`)).toEqual(['left a', 'left c', 'joined d', 'joined e']);
  });
});
