import { z } from 'zod';
import { envBoolean, envEndpoint, envInteger, envMatching, envRequired, envString, withOverrides } from './env-schema';
import { ConfigError, parseConfig } from './parse-config';

const schema = z.object({
  PORT: envInteger(9191, { min: 1, max: 65535 }),
  COUNT: envInteger(3, { min: 0 }),
  ENABLED: envBoolean(true),
  NAME: envString('default'),
  DATABASE: envRequired(),
  CLUSTER: envMatching('pacer', /^[a-z]+$/, '[a-z]+'),
  PEER: envEndpoint({ host: '127.0.0.1', port: 1 }),
});

const problems = (env: Record<string, string | undefined>): readonly string[] => {
  try {
    parseConfig('test environment', schema, env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe('environment schema pieces', () => {
  it('give defaults for unset variables (and empty numbers, booleans, endpoints)', () => {
    expect(parseConfig('test environment', schema, { DATABASE: 'd', PORT: '', ENABLED: '', NAME: '', PEER: '' })).toEqual({
      PORT: 9191, COUNT: 3, ENABLED: true, NAME: '', DATABASE: 'd', CLUSTER: 'pacer', PEER: { host: '127.0.0.1', port: 1 },
    });
  });

  it('read the values given', () => {
    expect(parseConfig('test environment', schema, { PORT: '65535', COUNT: '0', ENABLED: 'false', NAME: 'n', DATABASE: 'd', CLUSTER: 'c', PEER: '[::1]:9191' })).toEqual({
      PORT: 65535, COUNT: 0, ENABLED: false, NAME: 'n', DATABASE: 'd', CLUSTER: 'c', PEER: { host: '::1', port: 9191 },
    });
  });

  it('report every bad variable at once, by name', () => {
    expect(problems({ PORT: '65536', COUNT: '1.5', ENABLED: 'yes', DATABASE: '', CLUSTER: 'A!', PEER: 'host' })).toEqual([
      "PORT: must be an integer >= 1 <= 65535, got '65536'",
      "COUNT: must be an integer >= 0, got '1.5'",
      "ENABLED: must be true or false, got 'yes'",
      'DATABASE: is required',
      "CLUSTER: must match [a-z]+, got 'A!'",
      "PEER: Invalid endpoint 'host': expected host:port, an IPv6 address in brackets ([::1]:9191)",
    ]);
    expect(problems({ DATABASE: 'd', PORT: 'x', PEER: 'h:0' })).toEqual([
      "PORT: must be an integer >= 1 <= 65535, got 'x'",
      "PEER: Invalid endpoint 'h:0': the port must be an integer in 1..65535, got '0'",
    ]);
  });

  it('withOverrides: flags win, an undefined flag leaves the variable', () => {
    expect(withOverrides({ A: '1', B: '2' }, { A: '3', B: undefined, C: '4' })).toEqual({ A: '3', B: '2', C: '4' });
  });
});
