import { CommanderError } from 'commander';
import { ConfigError } from '../../../core/src/config/parse-config';
import { ZkCode, ZkError } from '../../../core/src/zookeeper/zk-error';
import { RoutingConflictError, RoutingPermissionError } from '../routing/routing-errors';
import { CliFailure, exitCodeOf } from './cli-failure';
import { exitCodesHelp } from './exit-codes';

describe('exit codes', () => {
  it('maps each failure to its documented code', () => {
    expect(exitCodeOf(new CliFailure('JOBS_REMAIN', 'jobs'))).toBe(5);
    expect(exitCodeOf(new RoutingConflictError('q', 2, 3))).toBe(6);
    expect(exitCodeOf(new RoutingPermissionError('/t', { cause: undefined }))).toBe(7);
    expect(exitCodeOf(new ZkError(ZkCode.NO_AUTH, 'NO_AUTH', '/t'))).toBe(7);
    expect(exitCodeOf(new ZkError(ZkCode.CONNECTION_LOSS, 'CONNECTION_LOSS', undefined))).toBe(1);
    expect(exitCodeOf(new ConfigError('config', ['bad']))).toBe(1);
    expect(exitCodeOf(new CommanderError(1, 'commander.unknownOption', 'unknown'))).toBe(64);
    expect(exitCodeOf(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toBe(0);
    expect(exitCodeOf(new Error('anything else'))).toBe(1);
  });

  it("lists a command's own codes between OK and the common ones, in numeric order", () => {
    expect(exitCodesHelp(['JOBS_REMAIN', 'REFUSED']).split('\n').map((l) => l.trim().split(/\s+/)[0])).toEqual(['Exit', '0', '1', '4', '5', '64', '130', '143']);
  });
});
