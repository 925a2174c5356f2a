/** IDL `PinLaterJobState` (FACTS §2.1). The numeric values are stored by both legacy layouts. */
export enum JobState {
  PENDING = 0,
  IN_PROGRESS = 1,
  SUCCEEDED = 2,
  FAILED = 3,
}

export const ALL_JOB_STATES: readonly JobState[] = [
  JobState.PENDING,
  JobState.IN_PROGRESS,
  JobState.SUCCEEDED,
  JobState.FAILED,
];

export function isJobState(n: number): n is JobState {
  return Number.isInteger(n) && n >= 0 && n <= 3;
}
