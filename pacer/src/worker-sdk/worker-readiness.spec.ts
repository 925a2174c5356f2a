import { UNREACHABLE_AFTER_CALLS, workerReadiness } from './worker-readiness';

describe('workerReadiness', () => {
  const answered = { answered: true, unansweredCalls: 0 };

  it('is ready only while running, after an answer from the gateway', () => {
    expect(workerReadiness('running', answered)).toEqual({ ready: true });
    expect(workerReadiness('running', { answered: false, unansweredCalls: 0 })).toEqual({ ready: false, reason: 'no answer from the gateway yet' });
  });

  it('is not ready before start and from the moment close begins', () => {
    expect(workerReadiness('created', answered)).toEqual({ ready: false, reason: 'not started' });
    expect(workerReadiness('closing', answered)).toMatchObject({ ready: false, reason: expect.stringMatching(/^stopping/) });
    expect(workerReadiness('closed', answered)).toEqual({ ready: false, reason: 'stopped' });
  });

  it(`counts the gateway unreachable after ${UNREACHABLE_AFTER_CALLS} calls in a row without an answer, not before`, () => {
    expect(workerReadiness('running', { answered: true, unansweredCalls: UNREACHABLE_AFTER_CALLS - 1 })).toEqual({ ready: true });
    expect(workerReadiness('running', { answered: true, unansweredCalls: UNREACHABLE_AFTER_CALLS })).toEqual({
      ready: false, reason: `gateway unreachable: the last ${UNREACHABLE_AFTER_CALLS} calls got no answer`,
    });
    expect(workerReadiness('running', { answered: false, unansweredCalls: 5 }).reason).toMatch(/^gateway unreachable/);
  });
});
