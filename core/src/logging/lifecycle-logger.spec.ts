import { captureLogs } from '../../../test/support/log-capture';
import { lifecycleLogger } from './lifecycle-logger';

describe('lifecycleLogger', () => {
  it('writes startup lines at info even when the process logs only warnings', () => {
    const logs = captureLogs('warn');
    lifecycleLogger(logs.logger).info({ port: 9020 }, 'pacer-broker listening on 127.0.0.1:9020');
    logs.logger.info('an ordinary info line');
    expect(logs.lines()).toEqual([expect.objectContaining({ level: 30, port: 9020, msg: 'pacer-broker listening on 127.0.0.1:9020' })]);
  });

  it('is the logger itself when info is enabled (no second child)', () => {
    const logs = captureLogs('debug');
    expect(lifecycleLogger(logs.logger)).toBe(logs.logger);
  });
});
