import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import { JobState } from '../../../core/src/types/job-state';
import { isServedState, movedState, moveTag, sourceOfTag, STAGED, TAKEN } from './mysql-move-states';

describe('move marks of the legacy MySQL layout (mysql-move-states.ts)', () => {
  it('serves only 0..3; taken and staged rows map back to the state they stand for', () => {
    expect([0, 1, 2, 3].map(isServedState)).toEqual([true, true, true, true]);
    expect([10, 12, 13, 20, 23, '10'].map(isServedState)).toEqual([false, false, false, false, false, false]);
    expect(movedState(13, TAKEN)).toBe(JobState.FAILED);
    expect(movedState('22', STAGED)).toBe(JobState.SUCCEEDED);
    expect(() => movedState(23, TAKEN)).toThrow(/Unexpected state 23/);
    expect(() => movedState(14, TAKEN)).toThrow(/Unexpected state 14/);
  });

  it('tags a staged row with its source descriptor, refusing a tag the VARCHAR(200) column would cut', () => {
    expect(moveTag('q:spacer0:p1:7')).toBe('mv:q:spacer0:p1:7');
    expect(sourceOfTag('mv:q:spacer0:p1:7')).toBe('q:spacer0:p1:7');
    expect(moveTag('é'.repeat(197))).toHaveLength(200);
    const error = (() => {
      try {
        return moveTag('é'.repeat(198));
      } catch (e) {
        return e;
      }
    })();
    expect(PinLaterError.is(error)).toBe(true);
    expect((error as Error).message).toMatch(/201 characters, claim_descriptor holds 200/);
  });
});
