import { ErrorCode } from '../../../core/src/errors/error-code';
import { JobState } from '../../../core/src/types/job-state';
import { PINLATER_IDL } from '../generated/pinlater-idl';

/** The domain enums in core/ restate the IDL's; this pins them to the generated table. */
function numericMembers(e: Record<string, string | number>): Record<string, number> {
  return Object.fromEntries(Object.entries(e).filter((entry): entry is [string, number] => typeof entry[1] === 'number'));
}

describe('core enums equal the IDL enums', () => {
  it('ErrorCode', () => {
    expect(numericMembers(ErrorCode)).toEqual(PINLATER_IDL.enums.ErrorCode);
  });

  it('PinLaterJobState', () => {
    expect(numericMembers(JobState)).toEqual(PINLATER_IDL.enums.PinLaterJobState);
  });
});
