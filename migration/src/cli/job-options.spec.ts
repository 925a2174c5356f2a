import { InvalidArgumentError } from 'commander';
import { JobState } from '../../../core/src/types/job-state';
import { CliFailure } from './cli-failure';
import { limitParser, parseBodyRegex, parseJobState, parsePriority, parseSeconds, requireQueueName, stateName } from './job-options';

describe('job options', () => {
  it('queue names follow PinLater (\\w+, at most 255): anything else is a usage error', () => {
    expect(requireQueueName('my_queue_1')).toBe('my_queue_1');
    for (const bad of ['', 'a-b', 'a/b', 'x'.repeat(256)]) {
      expect(() => requireQueueName(bad)).toThrow(CliFailure);
      try {
        requireQueueName(bad);
      } catch (e) {
        expect((e as CliFailure).exitCode).toBe('USAGE');
      }
    }
  });

  it('priorities are 1..127 (a positive signed byte)', () => {
    expect(parsePriority('1')).toBe(1);
    expect(parsePriority('127')).toBe(127);
    for (const bad of ['0', '128', '-1', '1.5', 'x', '']) expect(() => parsePriority(bad)).toThrow(InvalidArgumentError);
  });

  it('states are the four PinLater states, as the operator writes them', () => {
    expect(parseJobState('pending')).toBe(JobState.PENDING);
    expect(parseJobState('IN_PROGRESS')).toBe(JobState.IN_PROGRESS);
    expect(parseJobState('failed')).toBe(JobState.FAILED);
    expect(stateName(JobState.SUCCEEDED)).toBe('succeeded');
    expect(() => parseJobState('running')).toThrow(InvalidArgumentError);
  });

  it('an empty body regex is refused (it would match every body, or be ignored)', () => {
    expect(parseBodyRegex('^batch_7')).toBe('^batch_7');
    expect(() => parseBodyRegex('')).toThrow(InvalidArgumentError);
  });

  it('limits are positive integers up to the maximum, which the message explains', () => {
    const parse = limitParser(3999, 'the reason');
    expect(parse('3999')).toBe(3999);
    expect(() => parse('4000')).toThrow(/at most 3999 \(the reason\)/);
    expect(() => parse('0')).toThrow(InvalidArgumentError);
  });

  it('seconds are non-negative integers', () => {
    expect(parseSeconds('0')).toBe(0);
    expect(() => parseSeconds('-1')).toThrow(InvalidArgumentError);
    expect(() => parseSeconds('1e3')).toThrow(InvalidArgumentError);
  });
});
